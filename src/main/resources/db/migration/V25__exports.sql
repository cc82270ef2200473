-- A copy of everything the platform holds about a user, asked for by that user (or an admin) and built by any
-- node as a ZIP in the file store (exports/ owns this table).

-- status: pending while it is built (claimed by a node under a lease: claim, claimed_until; attempts counts the
-- claims, so an export whose builders keep dying fails instead of being tried for ever), then ready (object_key,
-- size_bytes) or failed (error), and expired once the ZIP is deleted after exports.keep_hours. The row stays, so
-- an operator can show that the export was asked for and served.
CREATE TABLE exports (
  id            uuid        PRIMARY KEY,
  user_id       text        NOT NULL CHECK (char_length(user_id) BETWEEN 1 AND 128),
  requested_by  text        NOT NULL CHECK (char_length(requested_by) BETWEEN 1 AND 128),
  status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'failed', 'expired')),
  error         text,
  object_key    text,
  size_bytes    bigint      CHECK (size_bytes >= 0),
  attempts      int         NOT NULL DEFAULT 0,
  claim         uuid,
  claimed_until timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  expired_at    timestamptz,
  -- When a node last claimed the ready export to delete its ZIP (ExportExpiry), so one node at a time does, and one
  -- whose deletion failed (the store down) is tried again a sweep later.
  expiry_claimed_at timestamptz,
  CHECK (status <> 'ready' OR (object_key IS NOT NULL AND size_bytes IS NOT NULL AND finished_at IS NOT NULL)),
  CHECK (status <> 'failed' OR (error IS NOT NULL AND finished_at IS NOT NULL))
);

-- One export at a time per user: a second request while one is pending meets this index (ON CONFLICT) and is
-- answered the running one.
CREATE UNIQUE INDEX exports_one_pending_per_user ON exports (user_id) WHERE status = 'pending';
-- What the builders claim, and what the expiry sweep deletes.
CREATE INDEX exports_to_build ON exports (claimed_until NULLS FIRST) WHERE status = 'pending';
CREATE INDEX exports_to_expire ON exports (finished_at) WHERE status = 'ready';
-- The admins' list, newest first.
CREATE INDEX exports_by_creation ON exports (created_at DESC, id DESC);

-- notifications/: a user's own notifications, a page at a time for their export.
CREATE INDEX notifications_of_recipient ON notifications (recipient, id);
