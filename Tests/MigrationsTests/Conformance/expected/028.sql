ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'none';
COMMENT ON COLUMN orders.note IS 'Free text from the customer';
COMMENT ON COLUMN customers.email IS NULL;
ALTER TABLE customers ALTER COLUMN created_at DROP DEFAULT;
