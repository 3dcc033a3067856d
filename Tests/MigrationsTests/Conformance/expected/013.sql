CREATE INDEX idx_orders_customer_recent ON orders (customer_id, placed_at DESC NULLS LAST) WITH (fillfactor=90);
