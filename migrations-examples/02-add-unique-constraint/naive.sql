-- The one-shot version: ADD CONSTRAINT ... UNIQUE builds the constraint's index while it holds
-- ACCESS EXCLUSIVE on users, so no query reads or writes users until the whole build ends.
-- expect: [missing-lock-timeout] "No lock_timeout is set before this statement, which takes ACCESS EXCLUSIVE on users"
-- expect: [add-constraint-builds-index] "ADD UNIQUE on users builds its index under ACCESS EXCLUSIVE"
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
