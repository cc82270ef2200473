-- What profiles/ and reviews/ publish for other domains' reads, as V14 does for the others: simple views,
-- which PostgreSQL inlines into the reading query, so the plans and the indexes they use are those of the
-- query written against the table. A locking clause on such a view (FOR NO KEY UPDATE, FOR SHARE...) locks
-- the underlying row with that same strength, so a domain that orders its changes with a user's by locking
-- the user's profile row does it through the view. Each owner's service interface names what it publishes here.

-- profiles/ publishes who has a profile and in which role: whether a user may be granted lessons or is a
-- teacher, and the row to lock to make changes with a user one at a time. Read by availability/ (publishing a
-- slot, saving a schedule: the teacher's row, FOR NO KEY UPDATE), bookings/ (both parties' rows, FOR NO KEY
-- UPDATE) and packages/ (a grant's two parties).
CREATE VIEW profile_roles AS
  SELECT user_id, role FROM profiles;

-- profiles/ publishes a profile as anyone may see it: everything but the email, which profiles/ shows only by
-- its own rule. Read by search/ (the page's teachers, one probe of profiles_user_id_key each).
CREATE VIEW public_profiles AS
  SELECT user_id, role, name, bio, topics FROM profiles;

-- profiles/ publishes each teacher's topics, lower-cased (profile_topics, kept in step with profiles by its
-- trigger), so that matching on topic_key uses profile_topics_key_trgm. Read by search/.
CREATE VIEW teacher_topics AS
  SELECT user_id, topic_key FROM profile_topics;

-- reviews/ publishes the rating each review gave its teacher, by teacher from reviews_by_teacher alone (an
-- index-only scan). Read by search/, which ranks by their mean. A view of the mean itself would be grouped,
-- and a teacher with no review would need an outer join to it, which PostgreSQL plans by grouping every
-- review; the mean over this one is computed per matching teacher instead.
CREATE VIEW review_ratings AS
  SELECT teacher_id, rating FROM reviews;
