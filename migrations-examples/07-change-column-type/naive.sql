-- The one-shot version: each ALTER COLUMN ... TYPE rewrites its whole table and rebuilds every
-- index on it under ACCESS EXCLUSIVE, and the foreign key is checked again: no query reads or
-- writes accounts or transfers until both rewrites are done.
-- expect: [missing-lock-timeout] "No lock_timeout is set before this statement, which takes ACCESS EXCLUSIVE on transfers"
-- expect: [alter-column-type-rewrite] "Changing transfers.account_id to bigint rewrites the table under ACCESS EXCLUSIVE"
-- expect: [incompatible-type-change] "ALTER COLUMN account_id on transfers makes it bigint"
ALTER TABLE transfers ALTER COLUMN account_id TYPE bigint;
-- expect: [alter-column-type-rewrite] "Changing accounts.id to bigint rewrites the table under ACCESS EXCLUSIVE"
-- expect: [incompatible-type-change] "ALTER COLUMN id on accounts makes it bigint"
ALTER TABLE accounts ALTER COLUMN id TYPE bigint;
