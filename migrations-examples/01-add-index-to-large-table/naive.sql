-- The one-shot version: a plain CREATE INDEX holds SHARE on orders for the whole build, so
-- every INSERT, UPDATE and DELETE on orders waits until it finishes.
-- expect: [missing-lock-timeout] "No lock_timeout is set before this statement, which takes SHARE on orders"
-- expect: [non-concurrent-index-creation] "on existing table orders without CONCURRENTLY blocks writes"
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
