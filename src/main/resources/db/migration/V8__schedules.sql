-- A teacher's weekly hours, in the teacher's own time zone, with dated overrides and the booking rules.
-- Weekly hours and overrides are local wall-clock intervals, kept as the API shows them (checked and
-- ordered by the application); the rules are columns so that their ranges hold here too.
CREATE TABLE teacher_schedules (
  teacher_id         text        PRIMARY KEY REFERENCES profiles (user_id),
  time_zone          text        NOT NULL,
  weekly             jsonb       NOT NULL,
  overrides          jsonb       NOT NULL,
  min_notice_minutes integer     NOT NULL CHECK (min_notice_minutes BETWEEN 0 AND 43200),
  buffer_minutes     integer     NOT NULL CHECK (buffer_minutes BETWEEN 0 AND 240),
  slot_step_minutes  integer     NOT NULL CHECK (slot_step_minutes BETWEEN 5 AND 480),
  max_days_ahead     integer     NOT NULL CHECK (max_days_ahead BETWEEN 1 AND 730),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- A booking holds its teacher's time until blocked_until: its end plus the teacher's buffer when it was
-- booked. The teacher's exclusion constraint is on that widened interval, so two active bookings of one
-- teacher are always at least the earlier one's buffer apart, whatever the concurrency.
ALTER TABLE bookings ADD COLUMN blocked_until timestamptz;
UPDATE bookings SET blocked_until = end_time;
ALTER TABLE bookings ALTER COLUMN blocked_until SET NOT NULL;
ALTER TABLE bookings ADD CONSTRAINT bookings_blocked_after_end CHECK (blocked_until >= end_time);
ALTER TABLE bookings DROP CONSTRAINT bookings_teacher_no_overlap;
ALTER TABLE bookings ADD CONSTRAINT bookings_teacher_no_overlap
  EXCLUDE USING gist (teacher_id WITH =, tstzrange(start_time, blocked_until) WITH &&)
  WHERE (status IN ('pending', 'confirmed'));

-- Every move of a booking (POST /bookings/{id}/reschedule), oldest first:
-- [{"start_time", "end_time", "changed_by", "changed_at"}].
ALTER TABLE bookings ADD COLUMN previous_times jsonb NOT NULL DEFAULT '[]';
