-- The table the example plan changes: 10,000 users with an email address each.
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text
);
INSERT INTO users (name, email)
SELECT 'user ' || i, 'user' || i || '@example.com' FROM generate_series(1, 10000) AS i;
