-- A confirmed lesson becomes a session: one per booking, with notes and files that both parties add
-- (never edit or remove), and the video meetings held for it.
CREATE TABLE sessions (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id uuid        NOT NULL UNIQUE REFERENCES bookings (id),
  status     text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'completed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Notes and files are keyed by their author and an id that is the same for a retried PUT, so a retry
-- adds nothing twice while two parties' appends never touch the same row.
CREATE TABLE session_notes (
  session_id  uuid        NOT NULL REFERENCES sessions (id),
  author_id   text        NOT NULL,
  id          uuid        NOT NULL,
  text        text        NOT NULL CHECK (char_length(text) BETWEEN 1 AND 10000),
  client_time timestamptz,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (session_id, author_id, id)
);

CREATE TABLE session_files (
  session_id  uuid        NOT NULL REFERENCES sessions (id),
  author_id   text        NOT NULL,
  id          uuid        NOT NULL,
  name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
  url         text        NOT NULL CHECK (char_length(url) <= 2048),
  client_time timestamptz,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (session_id, author_id, id)
);

CREATE TABLE meetings (
  meeting_id   text        PRIMARY KEY,
  session_id   uuid        NOT NULL REFERENCES sessions (id),
  provider     text        NOT NULL,
  meeting_data jsonb       NOT NULL,
  ended_at     timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- At most one live meeting per session: two parties pressing "join" at once end up in the same one.
CREATE UNIQUE INDEX meetings_one_live_per_session ON meetings (session_id) WHERE ended_at IS NULL;

CREATE TABLE attendees (
  meeting_id    text        NOT NULL REFERENCES meetings (meeting_id),
  user_id       text        NOT NULL,
  name          text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  attendee_id   text        NOT NULL,
  attendee_data jsonb       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meeting_id, user_id)
);
