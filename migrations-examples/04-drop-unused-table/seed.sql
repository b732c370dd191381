-- The schema before the change: 5,000 users and 20,000 rows of login_events, a log that only the
-- old application version writes and nothing reads any more.
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  last_login_at timestamptz
);
CREATE TABLE login_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  happened_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_events_user_id_idx ON login_events (user_id);
INSERT INTO users (email) SELECT 'user' || i || '@example.com' FROM generate_series(1, 5000) AS i;
INSERT INTO login_events (user_id) SELECT 1 + i % 5000 FROM generate_series(1, 20000) AS i;
