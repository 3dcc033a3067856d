ALTER TABLE stock_levels RENAME COLUMN reserved TO reserved_qty;
