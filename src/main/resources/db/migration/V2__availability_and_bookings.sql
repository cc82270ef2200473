-- Teachers publish availability slots; students book time inside one. PostgreSQL itself guarantees
-- that a teacher's slots never overlap and that no teacher or student ever holds two active
-- (pending or confirmed) bookings at overlapping times, whatever the concurrency.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE availability_slots (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  teacher_id text        NOT NULL REFERENCES profiles (user_id),
  start_time timestamptz NOT NULL,
  end_time   timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT availability_slots_time_order CHECK (start_time < end_time),
  CONSTRAINT availability_slots_no_overlap
    EXCLUDE USING gist (teacher_id WITH =, tstzrange(start_time, end_time) WITH &&)
);

CREATE INDEX availability_slots_by_start ON availability_slots (start_time);

CREATE TABLE bookings (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id    text        NOT NULL REFERENCES profiles (user_id),
  teacher_id    text        NOT NULL REFERENCES profiles (user_id),
  -- The slot the booking was made in. Deleting a slot is refused while an active booking holds it
  -- (see BookingStore/AvailabilityStore); past bookings keep their history without it.
  slot_id       uuid        REFERENCES availability_slots (id) ON DELETE SET NULL,
  start_time    timestamptz NOT NULL,
  end_time      timestamptz NOT NULL,
  status        text        NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'confirmed', 'completed', 'cancelled')),
  cancel_reason text        CHECK (char_length(cancel_reason) <= 500),
  version       integer     NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT bookings_time_order CHECK (start_time < end_time),
  CONSTRAINT bookings_distinct_parties CHECK (student_id <> teacher_id),
  CONSTRAINT bookings_teacher_no_overlap
    EXCLUDE USING gist (teacher_id WITH =, tstzrange(start_time, end_time) WITH &&)
    WHERE (status IN ('pending', 'confirmed')),
  CONSTRAINT bookings_student_no_overlap
    EXCLUDE USING gist (student_id WITH =, tstzrange(start_time, end_time) WITH &&)
    WHERE (status IN ('pending', 'confirmed'))
);

CREATE INDEX bookings_by_slot ON bookings (slot_id) WHERE status IN ('pending', 'confirmed');
CREATE INDEX bookings_by_student ON bookings (student_id, start_time);
CREATE INDEX bookings_by_teacher ON bookings (teacher_id, start_time);

-- POST /bookings retries: the booking a caller's Idempotency-Key created. The row is inserted before
-- the booking, in the same transaction, so a concurrent retry with the same key waits for the first.
CREATE TABLE booking_idempotency_keys (
  caller_id    text        NOT NULL,
  key          text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
  request_hash text        NOT NULL,
  booking_id   uuid        REFERENCES bookings (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (caller_id, key)
);
