CREATE INDEX idx_orders_open ON orders (status) WHERE status IN ('pending', 'paid');
CREATE UNIQUE INDEX idx_customers_nickname_unique ON customers (nickname) WHERE nickname IS NOT NULL;
