ALTER TABLE payments ADD COLUMN reference text UNIQUE;
COMMENT ON COLUMN payments.reference IS 'Reference of the payment provider';
ALTER TABLE payments ADD COLUMN refunded_by bigint
  CONSTRAINT payments_refunded_by_fk REFERENCES customers (id) MATCH SIMPLE ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
