-- notifications/: notifications_of_recipient (recipient, id), made for exports, already finds an erased user's
-- notifications by recipient; the index on recipient alone only cost every notification written and sent one
-- more index entry to keep.
DROP INDEX notifications_by_recipient;
