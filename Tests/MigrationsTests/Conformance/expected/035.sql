ALTER TABLE orders ADD COLUMN gift boolean NOT NULL DEFAULT false;
CREATE VIEW open_orders AS
  SELECT id, customer_id, status, gift FROM orders WHERE status IN ('pending', 'paid');
