-- When the teacher confirmed the booking; it stays set when the booking is later completed or cancelled.
-- Emails are shown between the parties of a booking the teacher confirmed (ProfileStore), never because of
-- a booking that was only requested: a student cannot read a teacher's email by booking and cancelling.
ALTER TABLE bookings ADD COLUMN confirmed_at timestamptz;

-- Bookings confirmed or completed before this migration: their last change, the closest time known.
-- A booking cancelled before it does not say whether it had been confirmed, so it counts as not confirmed.
UPDATE bookings SET confirmed_at = updated_at WHERE status IN ('confirmed', 'completed');

ALTER TABLE bookings ADD CONSTRAINT bookings_confirmed_at_matches_status CHECK (
  CASE status
    WHEN 'pending' THEN confirmed_at IS NULL
    WHEN 'cancelled' THEN true
    ELSE confirmed_at IS NOT NULL
  END);
