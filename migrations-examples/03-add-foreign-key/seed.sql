-- The schema before the change: 1,000 customers and 50,000 orders. Every order names a customer
-- that exists (the application checks), but no foreign key says so. orders.customer_id is
-- indexed (example 01), so deleting a customer will not scan orders.
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
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
INSERT INTO customers (name) SELECT 'customer ' || i FROM generate_series(1, 1000) AS i;
INSERT INTO orders (customer_id, total)
SELECT 1 + i % 1000, (i % 500) + 0.99 FROM generate_series(1, 50000) AS i;
