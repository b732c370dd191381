-- The schema before the change: 10,000 users, each with a postal address in three columns of
-- users. The change moves the address into a table of its own, one row per user.
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  street text,
  city text,
  postal_code text
);
INSERT INTO users (name, email, street, city, postal_code)
SELECT 'user ' || i, 'user' || i || '@example.com', i || ' Main Street', 'Town ' || (i % 100),
       lpad((i % 99999)::text, 5, '0')
FROM generate_series(1, 10000) AS i;
