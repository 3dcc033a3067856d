ALTER TABLE products ADD CONSTRAINT products_name_key UNIQUE (name) INCLUDE (price_cents) WITH (fillfactor=80) USING INDEX TABLESPACE pg_default;
