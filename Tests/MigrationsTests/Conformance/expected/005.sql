CREATE TABLE order_items (
  order_id bigint NOT NULL,
  line_no integer NOT NULL,
  sku text NOT NULL,
  quantity integer NOT NULL DEFAULT 1,
  unit_price_cents integer NOT NULL,
  PRIMARY KEY (order_id, line_no),
  CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE DEFERRABLE,
  CONSTRAINT order_items_sku_fk FOREIGN KEY (sku) REFERENCES products (sku) ON UPDATE CASCADE,
  CONSTRAINT order_items_quantity_positive CHECK (quantity > 0),
  CONSTRAINT order_items_order_sku_key UNIQUE (order_id, sku) INCLUDE (quantity) WITH (fillfactor=70)
);
