-- Lesson packages: a student's lessons with one teacher, granted by the platform (an admin) or the teacher.
-- remaining never goes below zero (CHECK), and every change of it is a row of the ledger written in the
-- same transaction, so the ledger always sums to remaining.
CREATE TABLE packages (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id text        NOT NULL REFERENCES profiles (user_id),
  teacher_id text        NOT NULL REFERENCES profiles (user_id),
  lessons    integer     NOT NULL CHECK (lessons BETWEEN 1 AND 1000),
  remaining  integer     NOT NULL,
  expires_at timestamptz,
  granted_by text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT packages_remaining_in_range CHECK (remaining BETWEEN 0 AND lessons),
  CONSTRAINT packages_distinct_parties CHECK (student_id <> teacher_id)
);
CREATE INDEX packages_by_student ON packages (student_id, teacher_id);
CREATE INDEX packages_by_teacher ON packages (teacher_id);
CREATE INDEX packages_to_expire ON packages (expires_at) WHERE remaining > 0;

ALTER TABLE bookings ADD COLUMN package_id uuid REFERENCES packages (id);
ALTER TABLE bookings ADD COLUMN late_cancellation boolean NOT NULL DEFAULT false;
ALTER TABLE bookings ADD COLUMN no_show text CHECK (no_show IN ('student', 'teacher'));

CREATE TABLE package_ledger (
  id         bigserial   PRIMARY KEY,
  package_id uuid        NOT NULL REFERENCES packages (id),
  change     integer     NOT NULL,
  reason     text        NOT NULL CHECK (reason IN ('granted', 'booked', 'cancelled_in_time', 'late_cancellation',
                                                    'teacher_cancelled', 'student_no_show', 'teacher_no_show',
                                                    'rescheduled', 'expired')),
  booking_id uuid        REFERENCES bookings (id),
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX package_ledger_by_package ON package_ledger (package_id, id);
-- A booking takes at most one lesson and gives back at most one, whatever races.
CREATE UNIQUE INDEX package_ledger_one_use_per_booking ON package_ledger (booking_id) WHERE change < 0 AND booking_id IS NOT NULL;
CREATE UNIQUE INDEX package_ledger_one_return_per_booking ON package_ledger (booking_id) WHERE change > 0 AND booking_id IS NOT NULL;

-- The teacher's cancellation policy and whether a booking needs a package.
ALTER TABLE teacher_schedules ADD COLUMN free_cancellation_hours integer NOT NULL DEFAULT 0
  CHECK (free_cancellation_hours BETWEEN 0 AND 720);
ALTER TABLE teacher_schedules ADD COLUMN requires_package boolean NOT NULL DEFAULT false;
