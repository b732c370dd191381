-- The schema before the change: 20,000 users whose email addresses are unique in practice (the
-- application checks before it inserts) but not in the schema.
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL
);
INSERT INTO users (email, name)
SELECT 'user' || i || '@example.com', 'user ' || i FROM generate_series(1, 20000) AS i;
