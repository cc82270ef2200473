-- profiles/: an erased profile keeps its row (the user id stays reserved) with its personal fields blanked and
-- its name "Deleted user", so that every view of profiles shows the other party's history as before.
ALTER TABLE profiles ADD COLUMN erased_at timestamptz;

-- sessions/: the notes and files an erased user wrote are found by author.
CREATE INDEX session_notes_by_author ON session_notes (author_id);
CREATE INDEX session_files_by_author ON session_files (author_id);

-- files/: the retention sweep finds files issued long ago.
CREATE INDEX files_by_age ON files (created_at);

-- reviews/ and notifications/: what an erased user wrote or was sent is found by them.
CREATE INDEX reviews_by_student ON reviews (student_id);
CREATE INDEX notifications_by_recipient ON notifications (recipient);

-- files/: when the retention sweep last looked at a file (whether its upload landed; whether it is still unshared).
ALTER TABLE files ADD COLUMN retention_checked_at timestamptz;
