ALTER TABLE orders RENAME CONSTRAINT orders_total_sane TO orders_total_cents_sane;
ALTER TABLE products RENAME CONSTRAINT products_name_key TO products_name_unique;
