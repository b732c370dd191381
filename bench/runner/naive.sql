-- The same change the naive way: one transaction that adds, fills and requires the column.
BEGIN;
ALTER TABLE pgbench_accounts ADD COLUMN note text;
UPDATE pgbench_accounts SET note = filler;
ALTER TABLE pgbench_accounts ALTER COLUMN note SET NOT NULL;
COMMIT;
