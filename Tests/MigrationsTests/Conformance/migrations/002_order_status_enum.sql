-- A plain .sql migration (Slipway extension): an enum type, with a down section.
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');
-- slipway:down
DROP TYPE order_status;
