ALTER TABLE reservations ADD CONSTRAINT reservations_stock_fk FOREIGN KEY (warehouse_code, sku)
  REFERENCES stock_levels (warehouse_code, sku) MATCH SIMPLE ON DELETE SET NULL (sku) ON UPDATE CASCADE;
