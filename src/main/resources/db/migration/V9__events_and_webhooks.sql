-- The outbox: every accepted change writes its event here in the change's own transaction, so a change
-- never exists without its event. Readers follow it in commit-safe order (txid, position): a transaction
-- that started earlier may commit later, so a reader only takes events of transactions older than every
-- transaction still running (pg_snapshot_xmin), and none can appear behind a position already read.
CREATE TABLE events (
  position   bigserial   PRIMARY KEY,
  txid       xid8        NOT NULL DEFAULT pg_current_xact_id(),
  id         uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  type       text        NOT NULL,
  -- What sequence counts for: a booking (all of its lesson's events), or a webhook for its pings.
  subject_id uuid        NOT NULL,
  subject    jsonb       NOT NULL,
  sequence   bigint      NOT NULL CHECK (sequence > 0),
  users      text[]      NOT NULL,
  data       jsonb       NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_one_per_sequence UNIQUE (subject_id, sequence)
);

CREATE INDEX events_in_order ON events (txid, position);
CREATE INDEX events_by_user ON events USING gin (users);

-- The last sequence number of each subject. Taking the next one locks the subject's row until the change
-- commits, so the events of one subject are numbered in the order their transactions commit, without gaps.
CREATE TABLE event_subjects (
  subject_id    uuid   PRIMARY KEY,
  last_sequence bigint NOT NULL
);

-- Every node listens on this channel; PostgreSQL delivers the notice when (and only if) the event's
-- transaction commits. The notice only wakes readers up: the outbox stays the record.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('vyoma_events', json_build_object('users', NEW.users)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_notify();

CREATE TABLE webhooks (
  id                          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  url                         text        NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2048),
  events                      text[]      NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 50),
  description                 text        CHECK (char_length(description) <= 500),
  secret                      text        NOT NULL,
  -- During a rotation the previous secret still signs, until it expires.
  previous_secret             text,
  previous_secret_expires_at  timestamptz,
  active                      boolean     NOT NULL DEFAULT true,
  deactivated_reason          text,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now()
);

-- One event to one webhook. A node claims a due delivery by moving next_attempt_at past its lease (under
-- FOR UPDATE SKIP LOCKED) and counting the attempt: no other node sends it until the lease runs out, and
-- the outcome is recorded only for the attempt that was claimed.
CREATE TABLE webhook_deliveries (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  webhook_id      uuid        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id        uuid        NOT NULL REFERENCES events (id),
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        int         NOT NULL DEFAULT 0,
  next_attempt_at timestamptz DEFAULT now(),
  -- Retries go on until retry_for_hours after this: the delivery's creation, or its last redelivery.
  retry_from      timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_of_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE webhook_attempts (
  delivery_id  uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt      int         NOT NULL,
  attempted_at timestamptz NOT NULL,
  status_code  int,
  error        text,
  duration_ms  int         NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);
