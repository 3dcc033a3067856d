CREATE TABLE audit_log (
  happened_at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  details jsonb
);
CREATE TABLE price_history (
  sku text NOT NULL,
  valid_from date,
  price_cents integer NOT NULL
);
CREATE TABLE coupons (
  code text PRIMARY KEY,
  percent smallint NOT NULL CONSTRAINT coupons_percent_range CHECK (percent BETWEEN 1 AND 100)
);
