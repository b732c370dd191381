-- The one-shot version: adding the foreign key checks all 50,000 orders while it holds SHARE ROW
-- EXCLUSIVE on orders and on customers: no INSERT, UPDATE or DELETE on either until it is done.
-- expect: [missing-lock-timeout] "No lock_timeout is set before this statement, which takes SHARE ROW EXCLUSIVE on orders"
-- expect: [foreign-key-without-not-valid] "validates every row while blocking writes to orders and customers"
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);
