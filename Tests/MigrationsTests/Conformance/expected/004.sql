CREATE TABLE products (
  sku text PRIMARY KEY,
  name text NOT NULL,
  price_cents integer NOT NULL,
  price_eur numeric GENERATED ALWAYS AS (price_cents / 100.0) STORED NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  description text,
  search tsvector GENERATED ALWAYS AS (to_tsvector('simple', name || ' ' || coalesce(description, ''))) STORED NOT NULL
);
