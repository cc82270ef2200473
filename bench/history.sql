-- The platform's history for bench/run.sh's HISTORY_ROWS, made with SQL in one transaction (through the API
-- it would take hours): :rows bookings over the :teachers teachers and :students students the API seed made,
-- and their events, three per booking, so 3 × :rows rows in the outbox. What a deployment that has run for a
-- while holds, so that the workloads show whether a statement walks data it does not need.
--
-- Booking n: teacher n % teachers, hour h = n / teachers, student (n + h) % students, one hour long. A teacher's
-- bookings all have a different h; so do a student's (the bookings of one h have distinct students as long as
-- students >= teachers, which run.sh checks), and distinct hours never overlap: the two exclusion constraints
-- hold by construction, and run.sh's overlap check counts them again at the end. The first nine tenths of the
-- hours end before :past_end (epoch seconds: today's UTC midnight) and are over: completed, or every tenth
-- cancelled by the student after the teacher confirmed it. The last tenth start at :future_start (after every
-- time the seed's and the workloads' bookings use) and are active: confirmed, then moved by the teacher (so
-- still confirmed, one move in previous_times). Each booking's events are those its changes would have
-- appended (Outbox.APPEND): created, confirmed, then completed, cancelled or rescheduled, with sequences 1-3
-- under event_subjects' last_sequence 3, and the booking as BookingJson writes it after each change as data.
-- No slot (past bookings' slots are gone; slot_id may be null), no schedule, package, session or review.
\set ON_ERROR_STOP on
SET TimeZone = 'UTC';
-- Triggers off for this session only: no foreign key is checked row by row (both parties are the seed's
-- profiles: checked once, below, before anything is written).
SET session_replication_role = replica;

BEGIN;

SELECT ceil(:rows::numeric / :teachers)::int AS hours \gset
SELECT ceil(:hours * 0.9)::int AS past_hours \gset

-- Both parties of every booking are profiles the seed made (a DO block sees no psql variables: they go in as settings).
SELECT set_config('bench.teachers', :'teachers', true) AS teachers_set, set_config('bench.students', :'students', true) AS students_set \gset
DO $$
BEGIN
  IF (SELECT count(*) FROM generate_series(1, current_setting('bench.teachers')::int) t
        JOIN profiles p ON p.user_id = 'bench-teacher-' || t AND p.role = 'teacher') < current_setting('bench.teachers')::int
  OR (SELECT count(*) FROM generate_series(1, current_setting('bench.students')::int) s
        JOIN profiles p ON p.user_id = 'bench-student-' || s AND p.role = 'student') < current_setting('bench.students')::int THEN
    RAISE EXCEPTION 'the history names a teacher or a student the seed did not make';
  END IF;
END $$;

-- Every instant the history writes is one of a few per hour h of the plan: the booking's start and end, when it
-- was made and confirmed, and its last change (completed at its end, cancelled two hours before its start, or
-- moved 90 minutes after it was made, from a day later). Each is kept here once as a time, once as Times.format
-- writes it (BookingJson), and once as the 12 hex digits of its epoch millisecond that begin a UUIDv7 made then
-- (kernel/Ids): made per row, the formatting alone took most of the time of writing the history.
CREATE TEMP TABLE moments ON COMMIT DROP AS
SELECT h, past, start_time, start_time + interval '1 hour' AS end_time, made, made + interval '1 hour' AS confirmed,
       start_time - interval '2 hours' AS cancelled, made + interval '90 minutes' AS moved,
       start_time + interval '1 day' AS moved_from
  FROM generate_series(0, :hours - 1) AS h
 CROSS JOIN LATERAL (SELECT h < :past_hours AS past) AS p
 CROSS JOIN LATERAL (SELECT CASE WHEN past THEN to_timestamp(:past_end) - (:past_hours - h) * interval '1 hour'
                                 ELSE to_timestamp(:future_start) + (h - :past_hours) * interval '1 hour' END AS start_time) AS at
 CROSS JOIN LATERAL (SELECT least(start_time - interval '3 days', now() - interval '3 hours') AS made) AS m;

CREATE FUNCTION pg_temp.utc(at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
CREATE FUNCTION pg_temp.ms(at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT lpad(to_hex(floor(extract(epoch FROM at) * 1000)::bigint), 12, '0')
$$;

CREATE TEMP TABLE hours ON COMMIT DROP AS
SELECT h, past, start_time, end_time, made, confirmed, cancelled, moved, moved_from,
       pg_temp.utc(start_time) AS start_s, pg_temp.utc(end_time) AS end_s, pg_temp.utc(made) AS made_s,
       pg_temp.utc(confirmed) AS confirmed_s, pg_temp.utc(cancelled) AS cancelled_s, pg_temp.utc(moved) AS moved_s,
       pg_temp.utc(moved_from) AS moved_from_s, pg_temp.utc(moved_from + interval '1 hour') AS moved_from_end_s,
       CASE WHEN past THEN pg_temp.utc(start_time) ELSE pg_temp.utc(moved_from) END AS first_start_s,
       CASE WHEN past THEN pg_temp.utc(end_time) ELSE pg_temp.utc(moved_from + interval '1 hour') END AS first_end_s,
       pg_temp.ms(made) AS made_ms, pg_temp.ms(confirmed) AS confirmed_ms, pg_temp.ms(end_time) AS end_ms,
       pg_temp.ms(cancelled) AS cancelled_ms, pg_temp.ms(moved) AS moved_ms
  FROM moments;
ANALYZE hours;

-- A UUIDv7 of the millisecond given (12 hex digits), its other bits the row's number k (unique in the history) where
-- the server's are random: ids as time-ordered as the server's, made without a random number or a byte string.
CREATE FUNCTION pg_temp.uuid7(ms text, k bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT (substr(ms, 1, 8) || '-' || substr(ms, 9, 4) || '-7000-8000-' || lpad(to_hex(k), 12, '0'))::uuid
$$;

-- Each booking's life: its parties, its hour, what it is now (k = 4n: its events are k + 1 to k + 3).
CREATE TEMP VIEW lives AS
SELECT n, 4 * n::bigint AS k, 'bench-teacher-' || (n % :teachers + 1) AS teacher_id,
       'bench-student-' || ((n + n / :teachers) % :students + 1) AS student_id,
       CASE WHEN NOT hr.past THEN 'confirmed' WHEN n % 10 = 9 THEN 'cancelled' ELSE 'completed' END AS status, hr.*
  FROM generate_series(0, :rows - 1) AS n
  JOIN hours hr ON hr.h = n / :teachers;

INSERT INTO bookings (id, student_id, teacher_id, slot_id, start_time, end_time, status, cancel_reason, cancelled_by,
                      version, created_at, updated_at, confirmed_at, blocked_until, previous_times, package_id,
                      late_cancellation, no_show, free_cancellation_until)
SELECT pg_temp.uuid7(made_ms, k), student_id, teacher_id, NULL, start_time, end_time, status,
       CASE WHEN status = 'cancelled' THEN 'Something came up' END,
       CASE WHEN status = 'cancelled' THEN student_id END, 3, made,
       CASE status WHEN 'completed' THEN end_time WHEN 'cancelled' THEN cancelled ELSE moved END, confirmed, end_time,
       CASE WHEN past THEN '[]'::jsonb
            ELSE jsonb_build_array(jsonb_build_object('start_time', moved_from, 'end_time', moved_from + interval '1 hour',
                                                      'changed_by', teacher_id, 'changed_at', moved)) END,
       NULL, false, NULL, start_time
  FROM lives;

INSERT INTO event_subjects (subject_id, last_sequence) SELECT pg_temp.uuid7(made_ms, k), 3 FROM lives;

-- The booking as BookingJson writes it after each change.
INSERT INTO events (id, type, subject_id, subject, sequence, users, data, created_at)
SELECT pg_temp.uuid7(e.at_ms, l.k + e.sequence), e.type, b.id, jsonb_build_object('booking_id', b.id), e.sequence,
       ARRAY[l.student_id, l.teacher_id],
       jsonb_build_object('booking_id', b.id, 'student_id', l.student_id, 'teacher_id', l.teacher_id,
                          'start_time', e.start_s, 'end_time', e.end_s, 'status', e.status,
                          'cancel_reason', e.cancel_reason, 'cancelled_by', e.cancelled_by,
                          'created_at', l.made_s, 'updated_at', e.at_s, 'previous_times', e.previous_times,
                          'package_id', NULL, 'free_cancellation_until', e.start_s, 'late_cancellation', false,
                          'no_show', NULL, 'series_id', NULL),
       e.at
  FROM lives l
 CROSS JOIN LATERAL (SELECT pg_temp.uuid7(l.made_ms, l.k) AS id) AS b
 CROSS JOIN LATERAL (VALUES
   (1, 'booking.created', 'pending', l.made, l.made_s, l.made_ms,
    l.first_start_s, l.first_end_s, NULL, NULL, '[]'::jsonb),
   (2, 'booking.confirmed', 'confirmed', l.confirmed, l.confirmed_s, l.confirmed_ms,
    l.first_start_s, l.first_end_s, NULL, NULL, '[]'::jsonb),
   (3, CASE l.status WHEN 'completed' THEN 'booking.completed' WHEN 'cancelled' THEN 'booking.cancelled'
                     ELSE 'booking.rescheduled' END,
    l.status,
    CASE l.status WHEN 'completed' THEN l.end_time WHEN 'cancelled' THEN l.cancelled ELSE l.moved END,
    CASE l.status WHEN 'completed' THEN l.end_s WHEN 'cancelled' THEN l.cancelled_s ELSE l.moved_s END,
    CASE l.status WHEN 'completed' THEN l.end_ms WHEN 'cancelled' THEN l.cancelled_ms ELSE l.moved_ms END,
    l.start_s, l.end_s,
    CASE WHEN l.status = 'cancelled' THEN 'Something came up' END,
    CASE WHEN l.status = 'cancelled' THEN l.student_id END,
    CASE WHEN l.past THEN '[]'::jsonb
         ELSE jsonb_build_array(jsonb_build_object('start_time', l.moved_from_s, 'end_time', l.moved_from_end_s,
                                                   'changed_by', l.teacher_id, 'changed_at', l.moved_s)) END))
   AS e (sequence, type, status, at, at_s, at_ms, start_s, end_s, cancel_reason, cancelled_by, previous_times);

-- Webhooks and email follow the outbox from their cursors: these events are history, long fanned out (as V13
-- and V22 start after the events before them), not a backlog for the fan-outs to walk through during the
-- workloads (nor years of lesson requests and reminders to queue and send).
UPDATE webhook_fanout SET txid = pg_current_xact_id(), position = (SELECT max(position) FROM events);
UPDATE notification_fanout SET txid = pg_current_xact_id(), position = (SELECT max(position) FROM events);

COMMIT;

RESET session_replication_role;
-- As autovacuum would have long since: statistics for the planner, and the visibility map that lets
-- bookings_confirmed_pairs answer the profile read's probes from the index alone.
VACUUM ANALYZE bookings;
VACUUM ANALYZE event_subjects;
VACUUM ANALYZE events;
-- The history's pages written out now, not by the checkpointer during the workloads that follow.
CHECKPOINT;
