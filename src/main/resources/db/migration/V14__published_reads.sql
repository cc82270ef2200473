-- What a domain publishes for other domains' reads. A table is written and read directly only by the package
-- that owns it; another domain reads it through one of these views, so a column renamed in a table changes
-- its owner's package and its views, and nothing else. The views are simple (one table, or a join, with a
-- WHERE): PostgreSQL inlines them into the reading query, so the plans, and the indexes they use, are those
-- of the query written against the table. Each owner's main class names what it publishes here.

-- events/ publishes its events as they are delivered: the envelope and the place in the outbox's order.
CREATE VIEW event_envelopes AS
  SELECT id, type, created_at, sequence, subject, users, data, txid, position FROM events;

-- bookings/ publishes its lessons as others see them: who the two parties are, when, and in which status.
CREATE VIEW lessons AS
  SELECT id, student_id, teacher_id, status, start_time, end_time FROM bookings;

-- bookings/ publishes which bookings hold time and their slot: pending and confirmed ones, the predicate
-- of its exclusion constraints and of bookings_by_slot, so reads through it use those partial indexes.
CREATE VIEW active_bookings AS
  SELECT id, teacher_id, student_id, slot_id, start_time, end_time, blocked_until FROM bookings
   WHERE status IN ('pending', 'confirmed');

-- bookings/ publishes who share a booking the teacher confirmed (confirmed_at stays set once it is completed
-- or cancelled): one probe of bookings_confirmed_pairs per question.
CREATE VIEW confirmed_pairs AS
  SELECT teacher_id, student_id FROM bookings WHERE confirmed_at IS NOT NULL;

-- meetings/ publishes the live meeting of a session (at most one: meetings_one_live_per_session).
CREATE VIEW live_meetings AS
  SELECT session_id, meeting_id, meeting_data FROM meetings WHERE ended_at IS NULL;

-- meetings/ publishes who joined a meeting of a session (an attendee record, whether or not it has ended).
CREATE VIEW meeting_attendance AS
  SELECT m.session_id, m.meeting_id, a.user_id FROM meetings m JOIN attendees a ON a.meeting_id = m.meeting_id;

-- sessions/ publishes who joined the meeting of a booking's session, over meetings/' attendance.
CREATE VIEW lesson_attendance AS
  SELECT s.booking_id, a.user_id FROM sessions s JOIN meeting_attendance a ON a.session_id = s.id;

-- sessions/ publishes where a file was shared: the file and the two parties of the session's lesson.
CREATE VIEW shared_files AS
  SELECT sf.file_key, l.student_id, l.teacher_id
    FROM session_files sf JOIN sessions s ON s.id = sf.session_id JOIN lessons l ON l.id = s.booking_id;
