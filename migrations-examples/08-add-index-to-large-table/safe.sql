-- The safe version: built concurrently, writes go on; outside a transaction block.
SET lock_timeout = '1s';
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
