-- Email notifications: the booking emails and the lesson reminders, derived from the outbox as webhook
-- deliveries are (V13), so a notification is exactly as durable as the event of the change that caused it.

-- profiles/: the zone a user's emails show times in (an IANA name, checked by the application); null means
-- the teacher's schedule zone for a teacher, else UTC.
ALTER TABLE profiles ADD COLUMN time_zone text CHECK (char_length(time_zone) BETWEEN 1 AND 64);

-- profiles/ publishes how to reach a user and in which zone: read by notifications/ (each email's recipient,
-- and the other party's name), one probe of profiles_user_id_key each.
CREATE VIEW profile_contacts AS
  SELECT user_id, name, email, time_zone FROM profiles;

-- availability/ publishes each teacher's schedule zone: read by notifications/, the zone of a teacher who set
-- none of their own.
CREATE VIEW schedule_zones AS
  SELECT teacher_id, time_zone FROM teacher_schedules;

-- notifications/: what each user wants. No row is the default: email on, reminders 1440 and 60 minutes before.
CREATE TABLE notification_preferences (
  user_id                  text        PRIMARY KEY CHECK (char_length(user_id) BETWEEN 1 AND 128),
  email                    boolean     NOT NULL,
  reminders_minutes_before int[]       NOT NULL CHECK (cardinality(reminders_minutes_before) <= 3
                                                       AND 1 <= ALL (reminders_minutes_before)
                                                       AND 10080 >= ALL (reminders_minutes_before)),
  updated_at               timestamptz NOT NULL DEFAULT now()
);

-- How far the notifications' fan-out has come in the outbox's commit-safe order (txid, position), as
-- webhook_fanout is the webhooks': one node at a time locks it (FOR UPDATE SKIP LOCKED), queues the
-- notifications of the events after it and moves it, in one transaction.
CREATE TABLE notification_fanout (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  txid     xid8    NOT NULL,
  position bigint  NOT NULL
);

-- Nobody is emailed about what happened before this release: start after the newest event.
INSERT INTO notification_fanout (txid, position)
SELECT coalesce((SELECT txid FROM events ORDER BY txid DESC, position DESC LIMIT 1), '0'::xid8),
       coalesce((SELECT position FROM events ORDER BY txid DESC, position DESC LIMIT 1), 0);

-- One email to one user, because of one event: a booking email (due at once) or a reminder (due
-- minutes_before the lesson's start). A node claims a due one by moving next_attempt_at past its lease (under
-- FOR UPDATE SKIP LOCKED) and counting the attempt, as webhook deliveries are claimed; the outcome is recorded
-- only for the attempt that was claimed. An event met again by the fan-out is a no-op (notifications_once).
CREATE TABLE notifications (
  id              uuid        PRIMARY KEY,
  event_id        uuid        NOT NULL REFERENCES events (id),
  booking_id      uuid        NOT NULL,
  recipient       text        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('booking_requested', 'booking_confirmed', 'booking_rescheduled',
                                                       'booking_cancelled', 'reminder')),
  -- A reminder's offset before the lesson; 0 for the other kinds.
  minutes_before  int         NOT NULL DEFAULT 0 CHECK (minutes_before BETWEEN 0 AND 10080),
  lesson_start    timestamptz NOT NULL,
  due_at          timestamptz NOT NULL,
  status          text        NOT NULL CHECK (status IN ('scheduled', 'sent', 'failed', 'skipped', 'expired',
                                                         'cancelled')),
  attempts        int         NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  sent_at         timestamptz,
  -- Why it failed, or was skipped, expired or cancelled.
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notifications_once UNIQUE (event_id, recipient, kind, minutes_before),
  CHECK ((status = 'scheduled') = (next_attempt_at IS NOT NULL))
);

CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'scheduled';
CREATE INDEX notifications_of_booking ON notifications (booking_id, created_at);
