-- Who was in a lesson's meeting, and when, from Chime's own meeting events (meetings/ owns these tables).

-- What a meeting's attendance rests on, fixed when it starts: 'presence' when the server follows Chime's events
-- (meetings.events.queue_url set), else 'attendees' (an attendee record, made when a join token is fetched).
-- reconciled_at: when a node last asked Chime who is still attached, so one node at a time does it per interval.
ALTER TABLE meetings
  ADD COLUMN attendance    text NOT NULL DEFAULT 'attendees' CHECK (attendance IN ('attendees', 'presence')),
  ADD COLUMN reconciled_at timestamptz;

-- Every presence event kept, once by its id: Chime's (the EventBridge event id) and the server's own (an
-- interval closed by reconciliation, the meeting's end, the last time Chime listed a user). A user's intervals
-- are a function of their events ordered by `at`, so events arriving late or twice change nothing wrongly.
-- user_id is null for the meeting's own end, which closes everyone's interval.
CREATE TABLE presence_events (
  event_id    text        PRIMARY KEY,
  meeting_id  text        NOT NULL REFERENCES meetings (meeting_id),
  user_id     text,
  kind        text        NOT NULL CHECK (kind IN ('joined', 'left', 'dropped', 'reconciled', 'ended', 'seen')),
  at          timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'ended') = (user_id IS NULL))
);
CREATE INDEX presence_events_of_meeting ON presence_events (meeting_id, user_id);

-- The intervals each user's events make, rewritten with them; left_at is null while the user is there.
CREATE TABLE presence_intervals (
  meeting_id text        NOT NULL REFERENCES meetings (meeting_id),
  user_id    text        NOT NULL,
  joined_at  timestamptz NOT NULL,
  left_at    timestamptz,
  PRIMARY KEY (meeting_id, user_id, joined_at),
  CHECK (left_at IS NULL OR left_at >= joined_at)
);

-- meetings/ publishes each presence interval of a session's meetings.
CREATE VIEW session_presence AS
  SELECT m.session_id, i.meeting_id, i.user_id, i.joined_at, i.left_at
    FROM meetings m JOIN presence_intervals i ON i.meeting_id = m.meeting_id;

-- meetings/ publishes who attended a meeting of a session, and over which time: in a meeting whose attendance
-- is its presence, each interval (open ones until further notice); in one whose attendance is its attendee
-- records, the record, good for any time (it says nothing of when, as before the server followed Chime).
CREATE OR REPLACE VIEW meeting_attendance AS
  SELECT m.session_id, m.meeting_id, a.user_id,
         '-infinity'::timestamptz AS present_from, 'infinity'::timestamptz AS present_until
    FROM meetings m JOIN attendees a ON a.meeting_id = m.meeting_id
   WHERE m.attendance = 'attendees'
  UNION ALL
  SELECT m.session_id, m.meeting_id, i.user_id, i.joined_at, coalesce(i.left_at, 'infinity')
    FROM meetings m JOIN presence_intervals i ON i.meeting_id = m.meeting_id
   WHERE m.attendance = 'presence';

-- sessions/ publishes who attended a booking's lesson: present in a meeting of its session at some time
-- between the lesson's start and end (an attendee record counts for any time).
CREATE OR REPLACE VIEW lesson_attendance AS
  SELECT s.booking_id, a.user_id
    FROM sessions s JOIN lessons l ON l.id = s.booking_id JOIN meeting_attendance a ON a.session_id = s.id
   WHERE a.present_from < l.end_time AND a.present_until > l.start_time;

-- A session's meetings, ended ones included, for its attendance (the live one has meetings_one_live_per_session).
CREATE INDEX meetings_of_session ON meetings (session_id);
