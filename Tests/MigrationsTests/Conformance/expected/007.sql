CREATE TABLE reservations (
  id integer GENERATED ALWAYS AS IDENTITY (START WITH 1 CACHE 10) PRIMARY KEY,
  warehouse_code text NOT NULL,
  sku text,
  during tsrange NOT NULL,
  released boolean NOT NULL DEFAULT false,
  CONSTRAINT reservations_no_overlap EXCLUDE USING gist (during WITH &&) WITH (fillfactor=90) WHERE (NOT released) DEFERRABLE,
  CONSTRAINT reservations_warehouse_sku_key UNIQUE NULLS NOT DISTINCT (warehouse_code, sku) DEFERRABLE INITIALLY DEFERRED
);
