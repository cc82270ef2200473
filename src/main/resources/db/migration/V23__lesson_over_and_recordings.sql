-- Meetings that end on time: a live meeting is ended once its lesson has been over for a while.

-- sessions/ publishes the time of each session's lesson.
CREATE VIEW session_lessons AS
  SELECT s.id AS session_id, l.start_time, l.end_time FROM sessions s JOIN lessons l ON l.id = s.booking_id;

-- lesson_over_claimed_at: when a node last claimed the meeting to end it because its lesson was over, so that
-- one node at a time ends it, and one whose end failed (the provider down) is tried again a sweep later.
ALTER TABLE meetings ADD COLUMN lesson_over_claimed_at timestamptz;
