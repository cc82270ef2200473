-- The seed of bench/run.sh, made through the API: this prints the requests of one phase (:phase) as a curl
-- config (-K), which run.sh sends with curl --parallel as the admin (:headers names the file holding the
-- Authorization and Content-Type headers). The later phases read back the ids the earlier ones made.
--   profiles  :teachers teachers (bench-teacher-N, topics as bench/search seeds them) and :students
--             students (bench-student-N)
--   slots     :slot_days adjacent 24-hour availability slots per teacher from :day0 (epoch seconds, UTC midnight)
--   schedules (RULES only) every teacher's schedule: weekly hours round the clock in UTC, a 10-minute buffer,
--             requires_package
--   packages  (RULES only) for every student a package of 1,000 lessons with the teacher wrk.lua pairs them
--             with (student k % students books teacher k % teachers, and teachers divides students), and for
--             :reader one with each teacher of its history
--   webhook   (RULES only) a webhook on booking.* delivering to :sink
--   bookings  the first :meetings bookings of wrk.lua's sequence (booking k: teacher k % teachers, student
--             k % students, 15 minutes at day0 + floor(k / teachers) * :step seconds)
--   confirm   PATCH each of them to confirmed (as their teacher could)
--   sessions  POST /sessions for each
--   meetings  POST /meetings for each session
--   history_slots     the reader's history (:reader with :history bookings): for j from 0, a 15-minute slot
--                     of teacher j % teachers at history start + j * 15 min, history start being the end
--                     of everyone's slots, so that no booking of the workloads ever wants these times
--   history_bookings  booking j of the reader in slot j, one after another (one lesson at a time)
--   history_confirm   PATCH every other one of them (j even) to confirmed: half confirmed, half pending
\set ON_ERROR_STOP on
\ir topics.sql

CREATE FUNCTION pg_temp.quoted(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT '"' || replace(replace(value, '\', '\\'), '"', '\"') || '"'
$$;

-- psql does not expand its variables inside a function's body; settings carry them there.
SET bench.base_url = :'base_url';
SET bench.headers = :'headers';
CREATE FUNCTION pg_temp.request(method text, path text, body json) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT concat_ws(E'\n',
    'request = ' || method,
    'url = ' || pg_temp.quoted(current_setting('bench.base_url') || path),
    'header = ' || pg_temp.quoted('@' || current_setting('bench.headers')),
    'data = ' || pg_temp.quoted(body::text),
    'output = "/dev/null"',
    'write-out = "%{http_code} %{errormsg}\n"',
    'next')
$$;

CREATE FUNCTION pg_temp.utc(epoch bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(to_timestamp(epoch) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

SELECT :'phase' = 'profiles' AS is_profiles, :'phase' = 'slots' AS is_slots, :'phase' = 'bookings' AS is_bookings,
       :'phase' = 'schedules' AS is_schedules, :'phase' = 'packages' AS is_packages, :'phase' = 'webhook' AS is_webhook,
       :'phase' = 'confirm' AS is_confirm, :'phase' = 'sessions' AS is_sessions, :'phase' = 'meetings' AS is_meetings,
       :'phase' = 'history_slots' AS is_history_slots, :'phase' = 'history_bookings' AS is_history_bookings,
       :'phase' = 'history_confirm' AS is_history_confirm,
       :day0 + :slot_days * 86400 AS history_start
\gset

\if :is_profiles
SELECT pg_temp.request('POST', '/profiles', json_build_object(
         'user_id', 'bench-teacher-' || i, 'role', 'teacher',
         'profile_data', json_build_object('name', 'Bench Teacher ' || i, 'email', 'bench-teacher-' || i || '@example.com',
           'bio', 'Tutor number ' || i || ', patient and thorough.', 'topics', pg_temp.teacher_topics(i))))
  FROM generate_series(1, :teachers) AS i
UNION ALL
SELECT pg_temp.request('POST', '/profiles', json_build_object(
         'user_id', 'bench-student-' || i, 'role', 'student',
         'profile_data', json_build_object('name', 'Bench Student ' || i, 'email', 'bench-student-' || i || '@example.com')))
  FROM generate_series(1, :students) AS i;
\elif :is_slots
SELECT pg_temp.request('POST', '/availability', json_build_object(
         'teacher_id', 'bench-teacher-' || i,
         'start_time', pg_temp.utc(:day0 + d * 86400), 'end_time', pg_temp.utc(:day0 + (d + 1) * 86400)))
  FROM generate_series(1, :teachers) AS i, generate_series(0, :slot_days - 1) AS d;
\elif :is_schedules
SELECT pg_temp.request('PUT', '/teachers/bench-teacher-' || i || '/schedule', json_build_object(
         'time_zone', 'UTC', 'overrides', json_build_array(),
         'weekly', (SELECT json_agg(json_build_object('day', day, 'start', '00:00', 'end', '24:00'))
                      FROM unnest(ARRAY['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']) AS day),
         'rules', json_build_object('buffer_minutes', 10, 'slot_step_minutes', 15, 'max_days_ahead', 365,
                                    'requires_package', true)))
  FROM generate_series(1, :teachers) AS i;
\elif :is_packages
SELECT pg_temp.request('POST', '/packages', json_build_object(
         'student_id', 'bench-student-' || s, 'teacher_id', 'bench-teacher-' || ((s - 1) % :teachers + 1), 'lessons', 1000))
  FROM generate_series(1, :students) AS s
UNION ALL
SELECT pg_temp.request('POST', '/packages', json_build_object(
         'student_id', :'reader', 'teacher_id', 'bench-teacher-' || t, 'lessons', 1000))
  FROM generate_series(2, least(:history, :teachers)) AS t;
\elif :is_webhook
SELECT pg_temp.request('POST', '/webhooks', json_build_object('url', :'sink', 'events', json_build_array('booking.*')));
\elif :is_bookings
SELECT pg_temp.request('POST', '/bookings', json_build_object(
         'student_id', 'bench-student-' || (k % :students + 1), 'teacher_id', 'bench-teacher-' || (k % :teachers + 1),
         'start_time', pg_temp.utc(:day0 + k / :teachers * :step),
         'end_time', pg_temp.utc(:day0 + k / :teachers * :step + 900)))
  FROM generate_series(0, :meetings - 1) AS k;
\elif :is_confirm
SELECT pg_temp.request('PATCH', '/bookings/' || id, json_build_object('status', 'confirmed'))
  FROM bookings WHERE status = 'pending';
\elif :is_sessions
SELECT pg_temp.request('POST', '/sessions', json_build_object('booking_id', id))
  FROM bookings WHERE status = 'confirmed';
\elif :is_meetings
SELECT pg_temp.request('POST', '/meetings', json_build_object('session_id', id))
  FROM sessions;
\elif :is_history_slots
SELECT pg_temp.request('POST', '/availability', json_build_object(
         'teacher_id', 'bench-teacher-' || (j % :teachers + 1),
         'start_time', pg_temp.utc(:history_start + j * 900), 'end_time', pg_temp.utc(:history_start + j * 900 + 900)))
  FROM generate_series(0, :history - 1) AS j;
\elif :is_history_bookings
SELECT pg_temp.request('POST', '/bookings', json_build_object(
         'student_id', :'reader', 'teacher_id', 'bench-teacher-' || (j % :teachers + 1),
         'start_time', pg_temp.utc(:history_start + j * 900), 'end_time', pg_temp.utc(:history_start + j * 900 + 900)))
  FROM generate_series(0, :history - 1) AS j;
\elif :is_history_confirm
SELECT pg_temp.request('PATCH', '/bookings/' || id, json_build_object('status', 'confirmed'))
  FROM bookings
 WHERE student_id = :'reader' AND start_time >= to_timestamp(:history_start)
   AND (extract(epoch FROM start_time)::bigint - :history_start) / 900 % 2 = 0;
\endif
