-- The one-shot version: dropped in the same release that stops using it. The release still
-- running inserts into login_events and fails from this moment on; the data is gone for good;
-- and through the foreign key the drop also takes ACCESS EXCLUSIVE on users.
-- expect: [drop-table] "Dropping table login_events breaks the application version still running"
DROP TABLE login_events;
