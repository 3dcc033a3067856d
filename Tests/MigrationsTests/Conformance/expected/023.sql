ALTER TABLE order_items DROP CONSTRAINT order_items_order_sku_key;
