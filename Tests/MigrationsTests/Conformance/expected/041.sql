ALTER TABLE products ALTER COLUMN weight_grams TYPE numeric(10,2);
