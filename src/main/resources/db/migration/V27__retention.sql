-- Retention: the outbox, the webhook delivery log and the notifications are pruned by their owners' sweeps
-- (docs/operating.md lists every table's rule).

-- events/: how far the outbox has been pruned, so that a reader whose cursor names a pruned event is told it
-- is gone (410) rather than that it never was. The sweep prunes the outbox from its start in commit order, so
-- an event still there has every later one still there too; an id no longer there was pruned when it sorts at or
-- before the greatest time-ordered id pruned, or when it is a random id (events written before ids were
-- time-ordered) and one of those was pruned.
CREATE TABLE events_pruned (
  only_row         boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  through_id       uuid,
  random_id_pruned boolean NOT NULL DEFAULT false
);
INSERT INTO events_pruned DEFAULT VALUES;

-- A delivery or a notification of an event being pruned goes with it: neither could be sent without the event's
-- envelope. Deliveries are pruned 30 days after they finish and notifications 90, long before their event's 400
-- days, so this only takes one redelivered, or a reminder of a lesson booked over a year ahead.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_fkey,
  ADD CONSTRAINT webhook_deliveries_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;
ALTER TABLE notifications DROP CONSTRAINT notifications_event_id_fkey,
  ADD CONSTRAINT notifications_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;

-- webhooks/: when a delivery was delivered or failed for good (null while pending, again after a redelivery), the
-- start of its webhooks.log_retention_days; a delivery finished before this release counts from its last attempt.
ALTER TABLE webhook_deliveries ADD COLUMN finished_at timestamptz;
UPDATE webhook_deliveries d
   SET finished_at = coalesce((SELECT max(a.attempted_at) FROM webhook_attempts a WHERE a.delivery_id = d.id), d.created_at)
 WHERE d.status <> 'pending';
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE status <> 'pending';

-- notifications/: a finished notification is kept notifications.retention_days after it was due, or sent if later
-- (GREATEST passes a null sent_at by).
CREATE INDEX notifications_finished ON notifications (GREATEST(due_at, sent_at)) WHERE status <> 'scheduled';
