ALTER TABLE customers REPLICA IDENTITY DEFAULT;
ALTER TABLE product_prices REPLICA IDENTITY DEFAULT;
ALTER TABLE audit_log REPLICA IDENTITY NOTHING;
ALTER TABLE audit_log ADD COLUMN customer_id bigint;
COMMENT ON COLUMN audit_log.customer_id IS 'The customer the entry is about, if any';
