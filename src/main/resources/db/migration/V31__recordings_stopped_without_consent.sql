-- sessions/ publishes each session's two parties beside its lesson's time: meetings/ judges a running recording by
-- the consents of the session's own student and teacher, as it does when one starts. Columns added last, so the
-- view's readers are unchanged.
CREATE OR REPLACE VIEW session_lessons AS
  SELECT s.id AS session_id, l.start_time, l.end_time, l.student_id, l.teacher_id
    FROM sessions s JOIN lessons l ON l.id = s.booking_id;

-- meetings/: when a node last claimed a running recording to stop it because its session no longer has both
-- consents, so that one node at a time asks Chime to stop it, and one Chime could not stop (down, throttling) is
-- tried again a sweep later, until it answers.
ALTER TABLE recordings ADD COLUMN consent_stop_claimed_at timestamptz;
