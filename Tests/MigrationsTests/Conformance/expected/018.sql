ALTER TABLE orders ADD CONSTRAINT orders_total_sane CHECK (total_cents < 100000000) NO INHERIT;
