-- A series moved to a new weekly time (POST /series/{id}/reschedule) ends before the first occurrence it moves,
-- and a new series continues at the new time: each names the other. A series is continued once, and continues
-- one series at most (the unique keys), so two moves racing from one series leave one continuation.
ALTER TABLE booking_series
  ADD COLUMN continued_as uuid UNIQUE REFERENCES booking_series (id),
  ADD COLUMN continues    uuid UNIQUE REFERENCES booking_series (id);

-- An occurrence whose booking was moved or cancelled on its own (not by a change of its series): the series'
-- rule no longer says where the lesson is, and a move of the series' following occurrences leaves it as it is.
ALTER TABLE series_occurrences
  ADD COLUMN changed text CHECK (changed IN ('moved', 'cancelled'));
