-- Webhook deliveries are no longer queued by the outbox's append: webhooks/ follows the outbox as any reader
-- does and fans each final event out to the webhooks that match it and are active at that moment. This row
-- is how far the fan-out has come, in the outbox's commit-safe order (txid, position). A node fans out in one
-- transaction that locks the row (FOR UPDATE SKIP LOCKED: one node at a time, any node after a crash), queues
-- the deliveries and moves the row on, so an event is fanned out once.
CREATE TABLE webhook_fanout (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  txid     xid8    NOT NULL,
  position bigint  NOT NULL
);

-- Every event already in the outbox had its deliveries queued when it was appended: start after the newest.
INSERT INTO webhook_fanout (txid, position)
SELECT coalesce((SELECT txid FROM events ORDER BY txid DESC, position DESC LIMIT 1), '0'::xid8),
       coalesce((SELECT position FROM events ORDER BY txid DESC, position DESC LIMIT 1), 0);

-- One delivery per event and webhook (a redelivery sends the same row again). During a rolling upgrade a node
-- still on the old code queues deliveries at append time, and the fan-out may meet those events again: the
-- key makes the second insert a no-op (ON CONFLICT DO NOTHING) rather than a second delivery.
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, event_id);
