UPDATE customers SET loyalty_code = 'LC-' || id WHERE loyalty_code IS NULL;
ALTER TABLE customers ALTER COLUMN loyalty_code SET NOT NULL;
