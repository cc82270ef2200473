-- Seeds :teachers teacher profiles (3 to 5 topics each, from a vocabulary of school subjects plus a
-- made-up topic per teacher, so the index holds many distinct keys), :teachers / 5 students, and
-- completed bookings with reviews for most teachers. Profiles go in through the profiles table, so the
-- app's trigger fills profile_topics exactly as POST /profiles does. Idempotent per run: ids are bench-*.
\set ON_ERROR_STOP on

\ir ../topics.sql

INSERT INTO profiles (user_id, role, name, email, bio, topics)
SELECT 'bench-teacher-' || i, 'teacher', 'Bench Teacher ' || i, 'bench-teacher-' || i || '@example.com',
       'Tutor number ' || i || ', patient and thorough.',
       pg_temp.teacher_topics(i)
  FROM generate_series(1, :teachers) AS i
ON CONFLICT (user_id) DO NOTHING;

INSERT INTO profiles (user_id, role, name, email)
SELECT 'bench-student-' || i, 'student', 'Bench Student ' || i, 'bench-student-' || i || '@example.com'
  FROM generate_series(1, greatest(:teachers / 5, 1)) AS i
ON CONFLICT (user_id) DO NOTHING;

-- Past lessons, already completed (the exclusion constraints only bind pending and confirmed ones),
-- each reviewed: 0 to 5 per teacher.
CREATE TEMP TABLE lessons AS
SELECT gen_random_uuid() AS id, 'bench-teacher-' || i AS teacher_id,
       'bench-student-' || (1 + (i * 7 + k) % greatest(:teachers / 5, 1)) AS student_id,
       timestamptz '2025-01-01 00:00Z' + make_interval(hours => i * 6 + k) AS start_time,
       1 + (hashtext(i || '/' || k) & 2147483647) % 5 AS rating
  FROM generate_series(1, :teachers) AS i, generate_series(1, 5) AS k
 WHERE k <= i % 6
   AND NOT EXISTS (SELECT 1 FROM reviews r JOIN bookings b ON b.id = r.booking_id WHERE b.teacher_id = 'bench-teacher-' || i);

INSERT INTO bookings (id, student_id, teacher_id, start_time, end_time, blocked_until, status, confirmed_at,
                      free_cancellation_until)
SELECT id, student_id, teacher_id, start_time, start_time + interval '1 hour', start_time + interval '1 hour', 'completed',
       start_time, start_time FROM lessons;
INSERT INTO reviews (booking_id, student_id, teacher_id, rating)
SELECT id, student_id, teacher_id, rating FROM lessons;

ANALYZE profiles;
ANALYZE profile_topics;
ANALYZE reviews;

SELECT (SELECT count(*) FROM profiles WHERE role = 'teacher') AS teachers,
       (SELECT count(*) FROM profile_topics) AS teacher_topics,
       (SELECT count(DISTINCT topic_key) FROM profile_topics) AS distinct_topics,
       (SELECT count(*) FROM reviews) AS reviews;
