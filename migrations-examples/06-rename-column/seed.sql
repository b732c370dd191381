-- The schema before the change: 10,000 users, each with a unique email address.
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text UNIQUE
);
INSERT INTO users (name, email)
SELECT 'user ' || i, 'user' || i || '@example.com' FROM generate_series(1, 10000) AS i;
