-- The one-shot version: ADD CONSTRAINT ... UNIQUE builds the constraint's index while it holds
-- ACCESS EXCLUSIVE on users, so no query reads or writes users until the whole build ends.
-- This version of pgshift lint has no rule for it yet (see README.md): no expectation below.
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
