-- The one-shot version: the rename itself is instant, but from that moment every query of the
-- release still running that names users.email fails, and so does rolling the code back.
-- expect: [rename-column] "Renaming users.email to email_address breaks every query of the running version"
ALTER TABLE users RENAME COLUMN email TO email_address;
