-- Whether two people share a booking the teacher confirmed (ProfileStore: the email rule) is one probe of this
-- index per direction, however many bookings either of them has: only confirmed bookings are in it (confirmed_at
-- stays set once completed or cancelled), and it is keyed by both parties, so a profile read never walks a
-- user's history. Equality on both columns serves either party's side, so one order of them is enough.
CREATE INDEX bookings_confirmed_pairs ON bookings (teacher_id, student_id) WHERE confirmed_at IS NOT NULL;
