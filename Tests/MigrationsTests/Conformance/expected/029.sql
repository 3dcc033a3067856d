ALTER TABLE orders RENAME COLUMN note TO customer_note;
ALTER TABLE orders ALTER COLUMN customer_note DROP DEFAULT;
COMMENT ON COLUMN orders.customer_note IS 'Shown on the packing slip';
CREATE INDEX idx_orders_customer_note ON orders (customer_note text_pattern_ops) WHERE customer_note IS NOT NULL;
