-- The one-shot version: create the table, copy every address in one statement, drop the old
-- columns. The copy reads all of users in one long transaction; the DROP COLUMN takes ACCESS
-- EXCLUSIVE on users and breaks every query of the release still running that reads or writes
-- the address columns; rolling that code back cannot bring the columns back.
-- expect: [missing-lock-timeout] "No lock_timeout is set before this statement, which takes SHARE ROW EXCLUSIVE on users"
CREATE TABLE addresses (
  user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  street text,
  city text,
  postal_code text
);
INSERT INTO addresses (user_id, street, city, postal_code)
SELECT id, street, city, postal_code FROM users;
-- expect: [drop-column] "Dropping 3 columns of users (street, city and postal_code) breaks the application version still running"
ALTER TABLE users DROP COLUMN street, DROP COLUMN city, DROP COLUMN postal_code;
