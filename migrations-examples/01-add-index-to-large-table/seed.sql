-- The schema before the change: 1,000 customers and 50,000 orders, with no index on
-- orders.customer_id (in production, think tens of millions of orders).
CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL,
  total numeric(12, 2) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO customers (name) SELECT 'customer ' || i FROM generate_series(1, 1000) AS i;
INSERT INTO orders (customer_id, total)
SELECT 1 + i % 1000, (i % 500) + 0.99 FROM generate_series(1, 50000) AS i;
