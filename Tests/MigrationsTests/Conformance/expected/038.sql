CREATE TABLE payments (
  order_id bigint NOT NULL,
  attempt smallint NOT NULL DEFAULT 1,
  method payment_method NOT NULL DEFAULT 'card',
  amount_cents integer NOT NULL CONSTRAINT payments_amount_positive CHECK (amount_cents > 0),
  paid_at timestamptz,
  payer_id bigint CONSTRAINT payments_payer_fk REFERENCES customers (id) MATCH FULL ON DELETE SET NULL ON UPDATE NO ACTION DEFERRABLE,
  CONSTRAINT payments_pkey PRIMARY KEY (order_id, attempt) WITH (fillfactor=85),
  CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE payments IS 'One row per payment attempt';
COMMENT ON COLUMN payments.paid_at IS 'NULL while the attempt is pending';
