-- bookings/: who cancelled a booking (a party's user id, or an admin's), written by the cancel's own
-- compare-and-set; null while it is not cancelled, and for a lesson cancelled by a no-show report (no_show says
-- why). So the cancellation's event names its author, and the email goes to the other party only.
ALTER TABLE bookings ADD COLUMN cancelled_by text CHECK (char_length(cancelled_by) BETWEEN 1 AND 128);

-- bookings/ publishes the series a lesson is an occurrence of: read by notifications/, whose record of a lesson
-- shows its series' emails too. A column added last, so the view's readers are unchanged.
CREATE OR REPLACE VIEW lessons AS
  SELECT id, student_id, teacher_id, status, start_time, end_time, version - 1 AS changes, updated_at AS changed_at,
         series_id
    FROM bookings;

-- notifications/: an email about a series as a whole (its request, an occurrence it could not book) belongs to the
-- series, not to one booking: a skipped occurrence has none.
ALTER TABLE notifications
  ALTER COLUMN booking_id DROP NOT NULL,
  ADD COLUMN series_id uuid,
  ADD CONSTRAINT notifications_about CHECK (booking_id IS NOT NULL OR series_id IS NOT NULL),
  DROP CONSTRAINT notifications_kind_check,
  ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('booking_requested', 'booking_confirmed', 'booking_rescheduled',
                                                          'booking_cancelled', 'reminder', 'series_requested',
                                                          'series_occurrence_skipped'));

CREATE INDEX notifications_of_series ON notifications (series_id, created_at) WHERE series_id IS NOT NULL;
