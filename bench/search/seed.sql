-- Seeds :teachers teacher profiles (3 to 5 topics each, from a vocabulary of school subjects plus a
-- made-up topic per teacher, so the index holds many distinct keys), :teachers / 5 students, and
-- completed bookings with reviews for most teachers. Profiles go in through the profiles table, so the
-- app's trigger fills profile_topics exactly as POST /profiles does. Idempotent per run: ids are bench-*.
\set ON_ERROR_STOP on

\ir ../topics.sql

-- A thousand teachers per transaction: the trigger counts each topic's teachers in one row per topic, and a
-- row updated thousands of times by one transaction makes every later update walk all its versions.
PREPARE teachers(int, int) AS
INSERT INTO profiles (user_id, role, name, email, bio, topics)
SELECT 'bench-teacher-' || i, 'teacher', 'Bench Teacher ' || i, 'bench-teacher-' || i || '@example.com',
       'Tutor number ' || i || ', patient and thorough.',
       pg_temp.teacher_topics(i)
  FROM generate_series($1, $2) AS i
ON CONFLICT (user_id) DO NOTHING;
SELECT format('EXECUTE teachers(%s, %s)', first, least(first + 999, :teachers))
  FROM generate_series(1, :teachers, 1000) AS first
\gexec

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
-- Reviews go in straight, not through the app, so their teachers' topics take the rating here that
-- profiles/TopicRatings gives them in a review's transaction.
UPDATE profile_topics t SET rating = r.rating
  FROM (SELECT teacher_id, round(avg(rating), 2)::float8 AS rating FROM reviews GROUP BY teacher_id) r
 WHERE r.teacher_id = t.user_id;

ANALYZE profiles;
ANALYZE profile_topics;
ANALYZE reviews;

SELECT (SELECT count(*) FROM profiles WHERE role = 'teacher') AS teachers,
       (SELECT count(*) FROM profile_topics) AS teacher_topics,
       (SELECT count(DISTINCT topic_key) FROM profile_topics) AS distinct_topics,
       (SELECT count(*) FROM reviews) AS reviews;
