-- Sample data, so that the backfills of later migrations have rows to work on.
INSERT INTO customers (email, name, tier, nickname)
SELECT 'customer' || g || CASE WHEN g % 5 = 0 THEN '@example.fr' ELSE '@example.de' END,
       'Customer ' || g,
       CASE WHEN g % 4 = 0 THEN 'gold' ELSE 'basic' END,
       CASE WHEN g % 3 = 0 THEN 'nick' || g END
FROM generate_series(1, 30) g;
INSERT INTO products (sku, name, price_cents, tags, description) VALUES
  ('SKU-1', 'Kettle', 2999, '{kitchen}', 'Boils water'),
  ('SKU-2', 'Teapot', 1999, '{kitchen,tea}', NULL),
  ('SKU-3', 'Mug', 599, '{kitchen,tea}', 'Holds tea'),
  ('SKU-4', 'Lamp', 4599, '{}', NULL),
  ('SKU-5', 'Desk', 19999, '{office}', 'Oak'),
  ('SKU-6', 'Chair', 8999, '{office}', NULL);
INSERT INTO warehouses (code, city, capacity) VALUES ('BER', 'Berlin', 1000), ('HAM', 'Hamburg', 800);
INSERT INTO stock_levels (warehouse_code, sku, on_hand, reserved)
SELECT w.code, p.sku, 50, 5 FROM warehouses w CROSS JOIN products p;
INSERT INTO orders (customer_id, status, total_cents, note)
SELECT (SELECT min(id) FROM customers) + g % 30,
       (ARRAY['pending', 'paid', 'shipped', 'delivered', 'cancelled']::order_status[])[1 + g % 5],
       g * 100,
       CASE WHEN g % 2 = 0 THEN 'leave at the door' END
FROM generate_series(1, 60) g;
INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price_cents)
SELECT o.id, l, 'SKU-' || (1 + (o.id + l) % 6), l, 1000 * l FROM orders o CROSS JOIN generate_series(1, 2) l;
INSERT INTO reservations (warehouse_code, sku, during) VALUES
  ('BER', 'SKU-1', '[2026-01-01,2026-01-05)'),
  ('HAM', NULL, '[2026-02-01,2026-02-03)');
INSERT INTO audit_log (actor, action, details)
SELECT CASE WHEN g % 4 = 0 THEN 'system' ELSE 'user' || g END, 'login', jsonb_build_object('n', g)
FROM generate_series(1, 50) g;
INSERT INTO price_history (sku, valid_from, price_cents) SELECT sku, date '2026-01-01', price_cents FROM products;
INSERT INTO coupons (code, percent) VALUES ('WELCOME', 10), ('VIP', 25);
