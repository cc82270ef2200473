-- The platform's history for bench/run.sh's HISTORY_ROWS, made with SQL (through the API it would take hours):
-- :rows bookings over the :teachers teachers and :students students the API seed made, and their events, three
-- per booking, so 3 × :rows rows in the outbox. What a deployment that has run for a while holds, so that the
-- workloads show whether a statement walks data it does not need. The work is CPU-bound (the rows' JSON, the
-- indexes), so run.sh runs :shares sessions of this at once, one per core: this one writes share :share, the
-- bookings n = :share, :share + :shares, ... below :rows, in a transaction of its own, and run.sh holds the
-- fan-outs back until every share has committed (see there).
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
-- writes it (BookingJson), and once as the first 16 digits of a UUIDv7 made then (kernel/Ids: its epoch
-- millisecond, version and variant): made per row, the formatting alone took most of the time of writing the
-- history.
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
CREATE FUNCTION pg_temp.v7(at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT regexp_replace(lpad(to_hex(floor(extract(epoch FROM at) * 1000)::bigint), 12, '0'),
                        '(.{8})(.{4})', '\1-\2-7000-8000-')
$$;
-- A UUIDv7 of the moment given (pg_temp.v7), its other bits the row's number k (unique in the history) where
-- the server's are random: ids as time-ordered as the server's, made without a random number or a byte string.
CREATE FUNCTION pg_temp.uuid7(v7 text, k bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT (v7 || lpad(to_hex(k), 12, '0'))::uuid
$$;

CREATE TEMP TABLE hours ON COMMIT DROP AS
SELECT h, past, start_time, end_time, made, confirmed, cancelled, moved, moved_from,
       pg_temp.utc(start_time) AS start_s, pg_temp.utc(end_time) AS end_s, pg_temp.utc(made) AS made_s,
       pg_temp.utc(confirmed) AS confirmed_s, pg_temp.utc(cancelled) AS cancelled_s, pg_temp.utc(moved) AS moved_s,
       pg_temp.utc(moved_from) AS moved_from_s, pg_temp.utc(moved_from + interval '1 hour') AS moved_from_end_s,
       CASE WHEN past THEN pg_temp.utc(start_time) ELSE pg_temp.utc(moved_from) END AS first_start_s,
       CASE WHEN past THEN pg_temp.utc(end_time) ELSE pg_temp.utc(moved_from + interval '1 hour') END AS first_end_s,
       pg_temp.v7(made) AS made_v7, pg_temp.v7(confirmed) AS confirmed_v7, pg_temp.v7(end_time) AS end_v7,
       pg_temp.v7(cancelled) AS cancelled_v7, pg_temp.v7(moved) AS moved_v7
  FROM moments;
ANALYZE hours;

-- This share's bookings: their parties, hour, what they are now, and ids (k = 4n: their events' end in k + 1 to
-- k + 3), made once here for the bookings, their subjects and their events.
CREATE TEMP TABLE lives ON COMMIT DROP AS
SELECT n, k, h, 'bench-teacher-' || (n % :teachers + 1) AS teacher_id,
       'bench-student-' || ((n + h) % :students + 1) AS student_id,
       CASE WHEN NOT hr.past THEN 'confirmed' WHEN n % 10 = 9 THEN 'cancelled' ELSE 'completed' END AS status,
       pg_temp.uuid7(hr.made_v7, k) AS id
  FROM generate_series(:share, :rows - 1, :shares) AS n
 CROSS JOIN LATERAL (SELECT n / :teachers AS h, 4 * n::bigint AS k) AS nk
  JOIN hours hr USING (h);
ANALYZE lives;

INSERT INTO bookings (id, student_id, teacher_id, slot_id, start_time, end_time, status, cancel_reason, cancelled_by,
                      version, created_at, updated_at, confirmed_at, blocked_until, previous_times, package_id,
                      late_cancellation, no_show, free_cancellation_until)
SELECT id, student_id, teacher_id, NULL, start_time, end_time, status,
       CASE WHEN status = 'cancelled' THEN 'Something came up' END,
       CASE WHEN status = 'cancelled' THEN student_id END, 3, made,
       CASE status WHEN 'completed' THEN end_time WHEN 'cancelled' THEN cancelled ELSE moved END, confirmed, end_time,
       CASE WHEN past THEN '[]'::jsonb
            ELSE jsonb_build_array(jsonb_build_object('start_time', moved_from, 'end_time', moved_from + interval '1 hour',
                                                      'changed_by', teacher_id, 'changed_at', moved)) END,
       NULL, false, NULL, start_time
  FROM lives JOIN hours USING (h);

INSERT INTO event_subjects (subject_id, last_sequence) SELECT id, 3 FROM lives;

-- The three events of a booking of each hour and outcome, with all that does not depend on which booking it is:
-- each booking's events are then a join, not three rows worked out anew.
CREATE TEMP TABLE steps ON COMMIT DROP AS
SELECT h, outcome, e.*, made_s, moved_from_s, moved_from_end_s, moved_s
  FROM hours
 CROSS JOIN LATERAL (VALUES ('completed'), ('cancelled'), ('confirmed')) AS o (outcome)
 CROSS JOIN LATERAL (VALUES
   (1, 'booking.created', 'pending', made, made_s, made_v7, first_start_s, first_end_s, false, false),
   (2, 'booking.confirmed', 'confirmed', confirmed, confirmed_s, confirmed_v7, first_start_s, first_end_s,
    false, false),
   (3, CASE outcome WHEN 'completed' THEN 'booking.completed' WHEN 'cancelled' THEN 'booking.cancelled'
                    ELSE 'booking.rescheduled' END,
    outcome,
    CASE outcome WHEN 'completed' THEN end_time WHEN 'cancelled' THEN cancelled ELSE moved END,
    CASE outcome WHEN 'completed' THEN end_s WHEN 'cancelled' THEN cancelled_s ELSE moved_s END,
    CASE outcome WHEN 'completed' THEN end_v7 WHEN 'cancelled' THEN cancelled_v7 ELSE moved_v7 END,
    start_s, end_s, outcome = 'cancelled', outcome = 'confirmed'))
   AS e (sequence, type, status, at, at_s, at_v7, start_s, end_s, cancels, moves)
 WHERE (outcome = 'confirmed') <> past;
ANALYZE steps;

-- The booking as BookingJson writes it after each change.
INSERT INTO events (id, type, subject_id, subject, sequence, users, data, created_at)
SELECT pg_temp.uuid7(s.at_v7, l.k + s.sequence), s.type, l.id, jsonb_build_object('booking_id', l.id), s.sequence,
       ARRAY[l.student_id, l.teacher_id],
       jsonb_build_object('booking_id', l.id, 'student_id', l.student_id, 'teacher_id', l.teacher_id,
                          'start_time', s.start_s, 'end_time', s.end_s, 'status', s.status,
                          'cancel_reason', CASE WHEN s.cancels THEN 'Something came up' END,
                          'cancelled_by', CASE WHEN s.cancels THEN l.student_id END,
                          'created_at', s.made_s, 'updated_at', s.at_s,
                          'previous_times',
                          CASE WHEN s.moves
                               THEN jsonb_build_array(jsonb_build_object('start_time', s.moved_from_s,
                                                                         'end_time', s.moved_from_end_s,
                                                                         'changed_by', l.teacher_id,
                                                                         'changed_at', s.moved_s))
                               ELSE '[]'::jsonb END,
                          'package_id', NULL, 'free_cancellation_until', s.start_s, 'late_cancellation', false,
                          'no_show', NULL, 'series_id', NULL),
       s.at
  FROM lives l
  JOIN steps s ON s.h = l.h AND s.outcome = l.status;

COMMIT;
