ALTER TABLE price_history RENAME TO product_prices;
