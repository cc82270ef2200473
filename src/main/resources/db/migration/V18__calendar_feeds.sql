-- bookings/ publishes, with a lesson's parties, times and status, what a calendar event of it needs (calendars/):
-- how many times its time or status changed (the event's SEQUENCE) and when it last changed (its DTSTAMP, and for a
-- cancelled booking when it was cancelled). Every change of a booking's time or status (a move, a confirmation, a
-- cancellation, a completion, a no-show report) adds one to its version in the same UPDATE, nothing else changes
-- the version, and a booking is made at version 1 (BookingStore, SessionCompletion): so version - 1 is that count,
-- and updated_at, which every such UPDATE sets too, that moment. A move that changes time and status together is
-- one change. New columns go last, as CREATE OR REPLACE VIEW requires.
CREATE OR REPLACE VIEW lessons AS
  SELECT id, student_id, teacher_id, status, start_time, end_time, version - 1 AS changes, updated_at AS changed_at
    FROM bookings;

-- A user's secret calendar feed addresses. The token is the credential (calendar apps send no bearer token), so only
-- its SHA-256 is kept: a leaked table gives no working address. Revoking deletes the row; every node reads it here
-- on every fetch, so a revoked address is unknown at once everywhere.
CREATE TABLE calendar_feeds (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    text        NOT NULL REFERENCES profiles (user_id),
  token_hash bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX calendar_feeds_by_user ON calendar_feeds (user_id, created_at);
