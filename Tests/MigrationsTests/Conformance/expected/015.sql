CREATE INDEX idx_customers_email_hash ON customers USING hash (email);
CREATE INDEX idx_audit_log_happened_brin ON audit_log USING brin (happened_at timestamptz_minmax_multi_ops (values_per_range=16)) WITH (pages_per_range=32);
CREATE INDEX idx_products_search_gist ON products USING gist (search tsvector_ops (siglen=64));
CREATE INDEX idx_products_tags_gin ON products USING gin (tags) WITH (fastupdate=off);
CREATE INDEX idx_reservations_during_spgist ON reservations USING spgist (during);
