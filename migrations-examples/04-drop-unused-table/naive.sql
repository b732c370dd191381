-- The one-shot version: dropped in the same release that stops using it. The release still
-- running inserts into login_events and fails from this moment on; the data is gone for good;
-- and through the foreign key the drop also takes ACCESS EXCLUSIVE on users.
-- expect: [drop-table] "Dropping table login_events breaks the application version still running"
-- expect: [missing-lock-timeout] "No lock_timeout is set before this statement, which takes ACCESS EXCLUSIVE on login_events"
DROP TABLE login_events;
