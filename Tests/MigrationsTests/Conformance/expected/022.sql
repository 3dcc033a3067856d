ALTER TABLE customers DROP CONSTRAINT customers_name_not_blank;
