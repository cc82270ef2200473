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
-- Triggers off for this session only: the outbox's NOTIFY would tell every node of each of the 3 × :rows
-- events at the commit, as if they had all just happened, and no foreign key is checked row by row (both
-- parties are the seed's profiles: checked once, below, before anything is written).
SET session_replication_role = replica;

BEGIN;

SELECT ceil(:rows::numeric / :teachers)::int AS hours \gset
SELECT ceil(:hours * 0.9)::int AS past_hours \gset

-- A version 7 UUID of the time given, as the server makes bookings' and events' ids (kernel/Ids): the 48-bit
-- millisecond over a random UUID's first six bytes, its version nibble 4 (0100) turned to 7 (0111).
CREATE FUNCTION pg_temp.uuid7(at timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                                        PLACING substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3)
                                        FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;

-- Each booking's life: its parties and time, when it was made and confirmed, its last change and what it is now.
CREATE TEMP TABLE lives ON COMMIT DROP AS
SELECT n, pg_temp.uuid7(made) AS id, 'bench-teacher-' || (n % :teachers + 1) AS teacher_id,
       'bench-student-' || ((n + h) % :students + 1) AS student_id, past, start_time, start_time + interval '1 hour' AS end_time,
       made, made + interval '1 hour' AS confirmed,
       CASE WHEN NOT past THEN made + interval '90 minutes' WHEN n % 10 = 9 THEN start_time - interval '2 hours'
            ELSE start_time + interval '1 hour' END AS changed,
       CASE WHEN NOT past THEN 'confirmed' WHEN n % 10 = 9 THEN 'cancelled' ELSE 'completed' END AS status,
       CASE WHEN NOT past THEN 'booking.rescheduled' WHEN n % 10 = 9 THEN 'booking.cancelled' ELSE 'booking.completed' END AS last_event,
       CASE WHEN past AND n % 10 = 9 THEN 'Something came up' END AS cancel_reason,
       -- The active ones were first booked a day later and moved back by a day.
       CASE WHEN past THEN NULL ELSE start_time + interval '1 day' END AS moved_from
  FROM generate_series(0, :rows - 1) AS n
 CROSS JOIN LATERAL (SELECT n / :teachers AS h, n / :teachers < :past_hours AS past) AS hour
 CROSS JOIN LATERAL (SELECT CASE WHEN past THEN to_timestamp(:past_end) - (:past_hours - h) * interval '1 hour'
                                 ELSE to_timestamp(:future_start) + (h - :past_hours) * interval '1 hour' END AS start_time) AS at
 CROSS JOIN LATERAL (SELECT least(start_time - interval '3 days', now() - interval '3 hours') AS made) AS m;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM lives l WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = l.teacher_id AND p.role = 'teacher')
                                      OR NOT EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = l.student_id AND p.role = 'student')) THEN
    RAISE EXCEPTION 'the history names a teacher or a student the seed did not make';
  END IF;
END $$;

-- Times.format. STABLE, as to_char is, so that PostgreSQL inlines it: declared IMMUTABLE it would be called
-- as a function, row by row, and the events would take three times as long to make.
CREATE FUNCTION pg_temp.utc(at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

INSERT INTO bookings (id, student_id, teacher_id, slot_id, start_time, end_time, status, cancel_reason, version,
                      created_at, updated_at, confirmed_at, blocked_until, previous_times, package_id,
                      late_cancellation, no_show, free_cancellation_until)
SELECT id, student_id, teacher_id, NULL, start_time, end_time, status,
       cancel_reason, 3, made, changed, confirmed, end_time,
       CASE WHEN moved_from IS NULL THEN '[]'::jsonb
            ELSE jsonb_build_array(jsonb_build_object('start_time', moved_from, 'end_time', moved_from + interval '1 hour',
                                                      'changed_by', teacher_id, 'changed_at', changed)) END,
       NULL, false, NULL, start_time
  FROM lives;

INSERT INTO event_subjects (subject_id, last_sequence) SELECT id, 3 FROM lives;

-- The booking as BookingJson writes it; each event sets what its change changed.
INSERT INTO events (id, type, subject_id, subject, sequence, users, data, created_at)
SELECT pg_temp.uuid7(e.at), e.type, l.id, jsonb_build_object('booking_id', l.id), e.sequence, ARRAY[l.student_id, l.teacher_id],
       base || jsonb_build_object('status', e.status, 'updated_at', pg_temp.utc(e.at), 'previous_times', e.previous_times,
                                  'start_time', pg_temp.utc(e.start_time), 'end_time', pg_temp.utc(e.start_time + interval '1 hour'),
                                  'free_cancellation_until', pg_temp.utc(e.start_time),
                                  'cancel_reason', e.cancel_reason),
       e.at
  FROM lives l
 CROSS JOIN LATERAL (SELECT jsonb_build_object('booking_id', l.id, 'student_id', l.student_id, 'teacher_id', l.teacher_id,
                              'created_at', pg_temp.utc(l.made), 'package_id', NULL,
                              'late_cancellation', false, 'no_show', NULL, 'series_id', NULL) AS base) AS b
 CROSS JOIN LATERAL (VALUES
   (1, 'booking.created', 'pending', l.made, coalesce(l.moved_from, l.start_time), NULL, '[]'::jsonb),
   (2, 'booking.confirmed', 'confirmed', l.confirmed, coalesce(l.moved_from, l.start_time), NULL, '[]'::jsonb),
   (3, l.last_event, l.status, l.changed, l.start_time, l.cancel_reason,
    CASE WHEN l.moved_from IS NULL THEN '[]'::jsonb
         ELSE jsonb_build_array(jsonb_build_object('start_time', pg_temp.utc(l.moved_from),
                                                   'end_time', pg_temp.utc(l.moved_from + interval '1 hour'),
                                                   'changed_by', l.teacher_id, 'changed_at', pg_temp.utc(l.changed))) END))
   AS e (sequence, type, status, at, start_time, cancel_reason, previous_times);

-- Webhooks follow the outbox from webhook_fanout: these events are history, long fanned out (as V13 starts
-- after the events before it), not a backlog for the fan-out to walk through during the workloads.
UPDATE webhook_fanout SET txid = pg_current_xact_id(), position = (SELECT max(position) FROM events);

COMMIT;

RESET session_replication_role;
-- As autovacuum would have long since: statistics for the planner, and the visibility map that lets
-- bookings_confirmed_pairs answer the profile read's probes from the index alone.
VACUUM ANALYZE bookings;
VACUUM ANALYZE event_subjects;
VACUUM ANALYZE events;
-- The history's pages written out now, not by the checkpointer during the workloads that follow.
CHECKPOINT;
