-- One profile per user; user_id is the subject of the user's JWT.
CREATE TABLE profiles (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    text        NOT NULL UNIQUE CHECK (char_length(user_id) BETWEEN 1 AND 128),
  role       text        NOT NULL CHECK (role IN ('student', 'teacher')),
  name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  email      text        NOT NULL CHECK (char_length(email) <= 254),
  bio        text        NOT NULL DEFAULT '' CHECK (char_length(bio) <= 2000),
  topics     text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(topics) <= 20),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role = 'teacher' OR cardinality(topics) = 0)
);
