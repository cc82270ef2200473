-- Until when the student may cancel a booking and get a package's lesson back. Fixed when the booking is made,
-- from the teacher's policy then, and changed only by a move (BookingStore.MOVE): so a later change of the
-- policy does not reach lessons already booked, and a student's move once it has passed keeps the lesson late.
ALTER TABLE bookings ADD COLUMN free_cancellation_until timestamptz;

-- Bookings made before this migration: from their start and the teacher's policy now, as it was judged until then.
UPDATE bookings b SET free_cancellation_until = b.start_time - make_interval(hours =>
  COALESCE((SELECT s.free_cancellation_hours FROM teacher_schedules s WHERE s.teacher_id = b.teacher_id), 0));

ALTER TABLE bookings ALTER COLUMN free_cancellation_until SET NOT NULL;
-- Free cancellation never lasts past the start.
ALTER TABLE bookings ADD CONSTRAINT bookings_free_cancellation_before_start CHECK (free_cancellation_until <= start_time);
