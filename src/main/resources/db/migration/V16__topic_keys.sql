-- Search by topic at many teachers. Matching a query against every teacher's topic row costs one trigram
-- recheck per candidate row the index hands over, and a short query's candidates are most rows (every word that
-- begins with its first letter shares a trigram with it): that grows with the number of teachers even though
-- teachers share most of their topics. profiles/ now keeps each distinct topic key once, with how many teachers
-- have it, so that a query is matched against the distinct keys (the trigram index moves there). And a key's
-- teachers come from a btree best rated first: each topic row carries its teacher's rating (a copy of the mean of
-- their reviews, rounded as the API shows it), so a page of a topic with thousands of teachers reads a page of
-- rows instead of every teacher's reviews. profiles/ keeps that copy: its trigger when it writes the rows, and
-- profiles/TopicRatings, which reviews/ calls in a review's transaction.

CREATE TABLE profile_topic_keys (
  topic_key text PRIMARY KEY,
  -- Teachers with this key: the search stops ranking at the first score whose keys already fill the page. No
  -- CHECK (teachers > 0): PostgreSQL checks the row an upsert proposes, whose count is the change (-1 for a
  -- dropped key), before it finds the row to update; the trigger deletes a key once its count is down to 0.
  teachers  integer NOT NULL
);

CREATE INDEX profile_topic_keys_trgm ON profile_topic_keys USING gin (topic_key gin_trgm_ops) WITH (fastupdate = off);
ALTER TABLE profile_topics ADD COLUMN rating float8;
UPDATE profile_topics t SET rating = r.rating
  FROM (SELECT teacher_id, round(avg(rating), 2)::float8 AS rating FROM reviews GROUP BY teacher_id) r
 WHERE r.teacher_id = t.user_id;
-- In search's order within a topic: rating, highest first and unrated last, then user_id.
CREATE INDEX profile_topics_by_key ON profile_topics (topic_key, rating DESC NULLS LAST, user_id);
DROP INDEX profile_topics_key_trgm;

INSERT INTO profile_topic_keys (topic_key, teachers)
SELECT topic_key, count(*) FROM profile_topics GROUP BY topic_key;

-- As V4's, and now also gives the rows their teacher's rating (the profile save holds the profile row, as
-- TopicRatings does, so it sees every review committed before) and counts each key's teachers. The counts change
-- in one statement, in key order, so two saves that add and drop the same keys lock them in the same order (no
-- deadlock); a key's row lock makes its count exact under concurrent saves, and a key no teacher has any more
-- goes in the same transaction.
CREATE OR REPLACE FUNCTION profile_topics_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  dropped text[];
  added   text[];
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.topics IS NOT DISTINCT FROM NEW.topics AND OLD.role IS NOT DISTINCT FROM NEW.role THEN
    RETURN NULL;
  END IF;
  WITH gone AS (DELETE FROM profile_topics WHERE user_id = NEW.user_id RETURNING topic_key)
  SELECT array_agg(topic_key) INTO dropped FROM gone;
  IF NEW.role = 'teacher' THEN
    -- Profiles drop topics that differ only in case; ON CONFLICT covers letters whose lower case
    -- PostgreSQL and Java see differently.
    WITH kept AS (
      INSERT INTO profile_topics (user_id, topic, topic_key, rating)
      SELECT NEW.user_id, topic, lower(topic),
             (SELECT round(avg(v.rating), 2)::float8 FROM review_ratings v WHERE v.teacher_id = NEW.user_id)
        FROM unnest(NEW.topics) AS topic
      ON CONFLICT DO NOTHING
      RETURNING topic_key)
    SELECT array_agg(topic_key) INTO added FROM kept;
  END IF;
  INSERT INTO profile_topic_keys AS k (topic_key, teachers)
  SELECT topic_key, sum(change)
    FROM (SELECT unnest(added) AS topic_key, 1 AS change
          UNION ALL
          SELECT unnest(dropped), -1) AS changes
   GROUP BY topic_key
  HAVING sum(change) <> 0
   ORDER BY topic_key
  ON CONFLICT (topic_key) DO UPDATE SET teachers = k.teachers + excluded.teachers;
  DELETE FROM profile_topic_keys WHERE topic_key = ANY (dropped) AND teachers <= 0;
  RETURN NULL;
END
$$;

-- profiles/ publishes the distinct topic keys of teachers and how many teachers have each, under the trigram
-- index; teacher_topics gives a key's teachers, best rated first, through profile_topics_by_key. Read by search/.
CREATE VIEW teacher_topic_keys AS
  SELECT topic_key, teachers FROM profile_topic_keys;
CREATE OR REPLACE VIEW teacher_topics AS
  SELECT user_id, topic_key, rating FROM profile_topics;
