-- Meetings that end on time: a live meeting is ended once its lesson has been over for a while.

-- sessions/ publishes the time of each session's lesson.
CREATE VIEW session_lessons AS
  SELECT s.id AS session_id, l.start_time, l.end_time FROM sessions s JOIN lessons l ON l.id = s.booking_id;

-- lesson_over_claimed_at: when a node last claimed the meeting to end it because its lesson was over, so that
-- one node at a time ends it, and one whose end failed (the provider down) is tried again a sweep later.
ALTER TABLE meetings ADD COLUMN lesson_over_claimed_at timestamptz;

-- Recordings, only with both parties' consent (meetings/ owns these tables).

-- Each party's own consent to the session's lesson being recorded; no row is no consent.
CREATE TABLE recording_consents (
  session_id uuid        NOT NULL REFERENCES sessions (id),
  user_id    text        NOT NULL,
  consent    boolean     NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, user_id)
);

-- Each capture of a session's meeting (a Chime media capture pipeline, recording_id its MediaPipelineId), numbered
-- per session: the number is in its S3 prefix (recordings/<session_id>/<capture>/) and in the request token, so
-- two simultaneous starts ask Chime for the same pipeline and record it once.
CREATE TABLE recordings (
  recording_id text        PRIMARY KEY,
  session_id   uuid        NOT NULL REFERENCES sessions (id),
  meeting_id   text        NOT NULL REFERENCES meetings (meeting_id),
  capture      integer     NOT NULL CHECK (capture > 0),
  started_by   text        NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  stopped_at   timestamptz,
  stop_reason  text CHECK (stop_reason IN ('stopped', 'consent_withdrawn', 'lesson_over', 'meeting_ended')),
  CHECK ((stopped_at IS NULL) = (stop_reason IS NULL)),
  UNIQUE (session_id, capture)
);
-- One capture running per session at a time.
CREATE UNIQUE INDEX recordings_one_running_per_session ON recordings (session_id) WHERE stopped_at IS NULL;
CREATE INDEX recordings_of_meeting ON recordings (meeting_id) WHERE stopped_at IS NULL;
