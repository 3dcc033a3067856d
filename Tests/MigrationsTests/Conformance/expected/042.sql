ALTER TABLE warehouses ADD CONSTRAINT warehouses_capacity_key UNIQUE (capacity);
