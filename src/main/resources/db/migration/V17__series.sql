-- Weekly lessons booked together. bookings/ owns the series: every occurrence is an ordinary booking (with
-- series_id), made in the same transaction as the series by the same rule and the same constraints, so the
-- series' tables live beside the bookings' and are written only by that package.

-- A series' rule: the first occurrence's times, the zone whose wall-clock time the occurrences keep, every
-- how many weeks, and how many (occurrence_count) or until which local date (until_date), or neither (open-ended).
CREATE TABLE booking_series (
  id               uuid        PRIMARY KEY,
  student_id       text        NOT NULL REFERENCES profiles (user_id),
  teacher_id       text        NOT NULL REFERENCES profiles (user_id),
  start_time       timestamptz NOT NULL,
  end_time         timestamptz NOT NULL,
  time_zone        text        NOT NULL,
  interval_weeks   integer     NOT NULL CHECK (interval_weeks BETWEEN 1 AND 4),
  occurrence_count integer     CHECK (occurrence_count BETWEEN 1 AND 52),
  until_date       date,
  package_id       uuid        REFERENCES packages (id),
  status           text        NOT NULL CHECK (status IN ('pending', 'active', 'ended', 'cancelled')),
  -- The next occurrence to judge, and when the materialisation looks at the series next: that occurrence's start
  -- less the teacher's booking window as it was last read (null once the series has no more to judge).
  next_occurrence  integer     NOT NULL CHECK (next_occurrence >= 1),
  due_at           timestamptz,
  version          integer     NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  CONSTRAINT booking_series_time_order CHECK (start_time < end_time),
  CONSTRAINT booking_series_distinct_parties CHECK (student_id <> teacher_id),
  CONSTRAINT booking_series_one_end CHECK (occurrence_count IS NULL OR until_date IS NULL)
);

CREATE INDEX booking_series_by_student ON booking_series (student_id, created_at);
CREATE INDEX booking_series_by_teacher ON booking_series (teacher_id, created_at);
CREATE INDEX booking_series_due ON booking_series (due_at) WHERE due_at IS NOT NULL;

-- Every occurrence judged so far (1, 2, 3…): booked (its booking) or skipped (why). An occurrence is judged once.
CREATE TABLE series_occurrences (
  series_id   uuid        NOT NULL REFERENCES booking_series (id),
  occurrence  integer     NOT NULL CHECK (occurrence >= 1),
  start_time  timestamptz NOT NULL,
  end_time    timestamptz NOT NULL,
  booking_id  uuid        UNIQUE REFERENCES bookings (id),
  skip_reason text,
  PRIMARY KEY (series_id, occurrence),
  CONSTRAINT series_occurrences_booked_or_skipped CHECK ((booking_id IS NULL) <> (skip_reason IS NULL))
);

ALTER TABLE bookings ADD COLUMN series_id uuid REFERENCES booking_series (id);
CREATE INDEX bookings_by_series ON bookings (series_id, start_time) WHERE series_id IS NOT NULL;

-- A key claims a booking or a series, whichever its request made.
ALTER TABLE booking_idempotency_keys ADD COLUMN series_id uuid REFERENCES booking_series (id);
