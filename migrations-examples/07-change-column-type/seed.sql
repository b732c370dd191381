-- The schema before the change: accounts with a serial (integer) primary key, which runs out at
-- 2,147,483,647, and transfers referencing it. 5,000 accounts, 20,000 transfers.
CREATE TABLE accounts (
  id serial PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE transfers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id integer NOT NULL REFERENCES accounts (id),
  amount numeric(12, 2) NOT NULL
);
CREATE INDEX transfers_account_id_idx ON transfers (account_id);
INSERT INTO accounts (name) SELECT 'account ' || i FROM generate_series(1, 5000) AS i;
INSERT INTO transfers (account_id, amount)
SELECT 1 + i % 5000, (i % 1000) + 0.50 FROM generate_series(1, 20000) AS i;
