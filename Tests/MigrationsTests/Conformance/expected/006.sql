CREATE TABLE warehouses (
  code text PRIMARY KEY,
  city text NOT NULL,
  capacity integer
);
CREATE TABLE stock_levels (
  warehouse_code text NOT NULL,
  sku text NOT NULL,
  on_hand integer NOT NULL DEFAULT 0,
  reserved integer NOT NULL DEFAULT 0,
  CONSTRAINT stock_levels_pkey PRIMARY KEY (warehouse_code, sku) INCLUDE (on_hand) WITH (fillfactor=80) USING INDEX TABLESPACE pg_default,
  CONSTRAINT stock_levels_reserved_le_on_hand CHECK (reserved <= on_hand) NO INHERIT,
  CONSTRAINT stock_levels_warehouse_fk FOREIGN KEY (warehouse_code) REFERENCES warehouses (code),
  CONSTRAINT stock_levels_sku_fk FOREIGN KEY (sku) REFERENCES products (sku) MATCH FULL ON DELETE CASCADE ON UPDATE CASCADE
);
COMMENT ON TABLE stock_levels IS 'On-hand and reserved units per warehouse and product';
