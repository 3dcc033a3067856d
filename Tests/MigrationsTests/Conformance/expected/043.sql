ALTER TABLE order_items ADD CONSTRAINT order_items_unit_price_not_negative CHECK (unit_price_cents >= 0);
