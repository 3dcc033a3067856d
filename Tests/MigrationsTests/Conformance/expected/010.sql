ALTER TABLE customers ADD COLUMN phone text;
ALTER TABLE customers ADD COLUMN country char(2) NOT NULL DEFAULT 'DE'
  CONSTRAINT customers_country_upper CHECK (country = upper(country));
ALTER TABLE customers ADD COLUMN loyalty_code text UNIQUE;
COMMENT ON COLUMN customers.loyalty_code IS 'Printed on the loyalty card';
