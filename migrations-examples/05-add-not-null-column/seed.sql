-- The schema before the change: 20,000 users with a first and a last name. The change adds
-- display_name, NOT NULL, filled for existing users from their names.
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  email text NOT NULL
);
INSERT INTO users (first_name, last_name, email)
SELECT 'First' || i, 'Last' || i, 'user' || i || '@example.com' FROM generate_series(1, 20000) AS i;
