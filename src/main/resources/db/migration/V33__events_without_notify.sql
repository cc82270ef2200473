-- No NOTIFY at the outbox's commits any more: each node looks at the outbox itself for what it gained
-- (EventNotices), so a commit no longer waits for the notify lock, which PostgreSQL holds through each
-- notifying commit's write to disk.
DROP TRIGGER events_notify ON events;
DROP FUNCTION events_notify();
