CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL CONSTRAINT orders_customer_fk REFERENCES customers (id)
    MATCH SIMPLE ON DELETE RESTRICT ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
  status order_status NOT NULL DEFAULT 'pending',
  total_cents integer NOT NULL DEFAULT 0 CONSTRAINT orders_total_not_negative CHECK (total_cents >= 0) NO INHERIT,
  placed_at timestamptz NOT NULL DEFAULT now(),
  note text
);
