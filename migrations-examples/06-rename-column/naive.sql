-- The one-shot version: the rename itself is instant, but from that moment every query of the
-- release still running that names users.email fails, and so does rolling the code back.
-- expect: [missing-lock-timeout] "No lock_timeout is set before this statement, which takes ACCESS EXCLUSIVE on users"
-- expect: [rename-column] "Renaming users.email to email_address breaks every query of the running version"
ALTER TABLE users RENAME COLUMN email TO email_address;
