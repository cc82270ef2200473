-- A teacher's external calendars (iCalendar addresses such as Google Calendar's secret address), read as busy
-- time. Owned by externalcalendars/. At most five per teacher: position 0..4, one calendar per position (checked
-- at commit, so a new list may reorder them). The fetcher claims due rows (next_fetch_at) with SKIP LOCKED and
-- moves next_fetch_at a lease ahead; claim counts the claims, so a fetch overtaken by a newer claim (the
-- teacher put the list again meanwhile) records nothing.
CREATE TABLE external_calendars (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  teacher_id      text        NOT NULL REFERENCES profiles (user_id),
  position        smallint    NOT NULL CHECK (position BETWEEN 0 AND 4),
  url             text        NOT NULL,
  name            text,
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'error')),
  error           text,
  etag            text,
  last_modified   text,
  last_fetched_at timestamptz,
  last_success_at timestamptz,
  -- When the file was last read in full and expanded: a conditional fetch is made only within a day of it, so
  -- an unchanged file is still expanded again daily as the booking window moves on.
  expanded_at     timestamptz,
  next_fetch_at   timestamptz NOT NULL DEFAULT now(),
  claim           integer     NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT external_calendars_one_url_per_teacher UNIQUE (teacher_id, url),
  CONSTRAINT external_calendars_one_per_position UNIQUE (teacher_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX external_calendars_due ON external_calendars (next_fetch_at);

-- The busy intervals of a calendar's last good read, merged, over the teacher's booking window: intervals only,
-- never a title, description or attendee.
CREATE TABLE external_calendar_busy_times (
  calendar_id uuid        NOT NULL REFERENCES external_calendars (id) ON DELETE CASCADE,
  teacher_id  text        NOT NULL,
  start_time  timestamptz NOT NULL,
  end_time    timestamptz NOT NULL,
  CHECK (start_time < end_time)
);
CREATE INDEX external_calendar_busy_times_by_calendar ON external_calendar_busy_times (calendar_id);
-- How the bookable rule finds a teacher's busy time near the time it judges: the teacher and the overlap.
CREATE INDEX external_calendar_busy_times_by_teacher
  ON external_calendar_busy_times USING gist (teacher_id, tstzrange(start_time, end_time));

-- externalcalendars/ publishes a teacher's busy time from every external calendar, for availability/'s
-- bookable rule (TeacherCalendar.around).
CREATE VIEW external_busy_times AS
  SELECT teacher_id, start_time, end_time FROM external_calendar_busy_times;

-- availability/ publishes a teacher's time zone and booking window, for externalcalendars/ (floating and
-- all-day events are read in the teacher's zone, and expanded over the window).
CREATE VIEW teacher_booking_windows AS
  SELECT teacher_id, time_zone, max_days_ahead FROM teacher_schedules;
