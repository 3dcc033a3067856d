ALTER TABLE price_history ADD CONSTRAINT price_history_pkey PRIMARY KEY (sku, valid_from) WITH (fillfactor=95);
