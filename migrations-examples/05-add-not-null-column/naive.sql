-- The one-shot version, as one transaction: the ADD COLUMN takes ACCESS EXCLUSIVE on users and
-- holds it while the UPDATE rewrites every row and SET NOT NULL scans them all again: nobody
-- reads or writes users until the end. Then every INSERT of the release still running, which
-- does not know display_name, fails.
BEGIN;
-- expect: [missing-lock-timeout] "No lock_timeout is set before this statement, which takes ACCESS EXCLUSIVE on users"
ALTER TABLE users ADD COLUMN display_name text;
-- (the one finding here: update-without-where leaves the statement to backfill-in-ddl-transaction)
-- expect: [backfill-in-ddl-transaction] "This backfill of users runs in the transaction that changed it at line 7"
UPDATE users SET display_name = first_name || ' ' || last_name;
-- expect: [not-null-column-without-default] "INSERTs of the running version, which do not know it, fail"
-- expect: [set-not-null] "SET NOT NULL on users.display_name scans the whole table under ACCESS EXCLUSIVE"
ALTER TABLE users ALTER COLUMN display_name SET NOT NULL;
COMMIT;
