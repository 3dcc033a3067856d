ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
ALTER TABLE orders ADD COLUMN warehouse_code text
  CONSTRAINT orders_warehouse_fk REFERENCES warehouses (code) MATCH SIMPLE ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE;
