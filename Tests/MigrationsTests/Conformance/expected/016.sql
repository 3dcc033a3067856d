CREATE INDEX idx_products_name_c ON products (name COLLATE "C" text_pattern_ops DESC NULLS FIRST, price_cents ASC NULLS LAST);
