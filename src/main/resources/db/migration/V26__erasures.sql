-- erasures/: a user's erasure, run step by step by whichever node claims it. One per user: a second request
-- answers the first job. user_id stays here after the job ends (it is the id, not personal data), so that
-- every node, at start, knows whose tokens to refuse.
CREATE TABLE erasures (
  id            uuid        PRIMARY KEY,
  user_id       text        NOT NULL CHECK (char_length(user_id) BETWEEN 1 AND 128),
  requested_by  text        NOT NULL,
  reason        text        CHECK (char_length(reason) <= 500),
  -- The next step to run; 'done' once the last one has. Advanced by compare-and-set from the step just run.
  step          text        NOT NULL DEFAULT 'cancel' CHECK (step IN ('cancel', 'profile', 'content', 'done')),
  status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed')),
  attempts      int         NOT NULL DEFAULT 0,
  -- A node works on the job until then; after it, any node may claim it again.
  claimed_until timestamptz,
  -- Why the last attempt of a step failed (tried again after the lease); no personal data.
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz,
  CONSTRAINT erasures_one_per_user UNIQUE (user_id),
  CHECK ((status = 'completed') = (step = 'done')),
  CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);

CREATE INDEX erasures_to_run ON erasures (created_at) WHERE step <> 'done';
