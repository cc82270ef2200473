-- Search finds teachers by topic, tolerating case, small typos and partial words; reviews give teachers
-- their rating. Both are served by indexes, so neither scans every teacher per request.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row per topic of a teacher, lower-cased into topic_key for the trigram index. PostgreSQL keeps it
-- in step with profiles.topics itself (trigger below), so no code path can forget to, and it holds
-- teachers only: a profile that becomes a student's loses its rows.
CREATE TABLE profile_topics (
  user_id   text NOT NULL REFERENCES profiles (user_id) ON DELETE CASCADE,
  topic     text NOT NULL,
  topic_key text NOT NULL,
  PRIMARY KEY (user_id, topic_key)
);

-- Serves similarity (%), word similarity (<%) and LIKE '%…%' on topic_key alike. Without fastupdate a
-- profile save writes its few entries straight into the index, so searches, which are far more frequent,
-- never wade through a pending list.
CREATE INDEX profile_topics_key_trgm ON profile_topics USING gin (topic_key gin_trgm_ops) WITH (fastupdate = off);

CREATE FUNCTION profile_topics_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.topics IS NOT DISTINCT FROM NEW.topics AND OLD.role IS NOT DISTINCT FROM NEW.role THEN
    RETURN NULL;
  END IF;
  DELETE FROM profile_topics WHERE user_id = NEW.user_id;
  IF NEW.role = 'teacher' THEN
    -- Profiles drop topics that differ only in case; ON CONFLICT covers letters whose lower case
    -- PostgreSQL and Java see differently.
    INSERT INTO profile_topics (user_id, topic, topic_key)
    SELECT NEW.user_id, topic, lower(topic) FROM unnest(NEW.topics) AS topic
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER profiles_sync_topics
  AFTER INSERT OR UPDATE OF topics, role ON profiles
  FOR EACH ROW EXECUTE FUNCTION profile_topics_sync();

INSERT INTO profile_topics (user_id, topic, topic_key)
SELECT p.user_id, topic, lower(topic)
  FROM profiles p CROSS JOIN LATERAL unnest(p.topics) AS topic
 WHERE p.role = 'teacher'
ON CONFLICT DO NOTHING;

-- A student's review of a completed booking: one per booking (the primary key), so one per lesson.
-- student_id and teacher_id are copied from the booking, which never changes parties.
CREATE TABLE reviews (
  booking_id uuid        PRIMARY KEY REFERENCES bookings (id),
  student_id text        NOT NULL REFERENCES profiles (user_id),
  teacher_id text        NOT NULL REFERENCES profiles (user_id),
  rating     smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment    text        CHECK (char_length(comment) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A teacher's rating (the mean) is read from this index alone.
CREATE INDEX reviews_by_teacher ON reviews (teacher_id) INCLUDE (rating);
