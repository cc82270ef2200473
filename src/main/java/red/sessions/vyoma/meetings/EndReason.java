package red.sessions.vyoma.meetings;

import java.util.Optional;

/** Why a meeting ended, as far as its {@code meeting.ended} event tells. */
enum EndReason {
  /** A party's or an admin's {@code DELETE /meetings}, or Chime's own end: the event names no reason, as ever. */
  UNNAMED(null),
  /** The server ended it because its lesson was over ({@link LessonOver}). */
  LESSON_OVER("lesson_over");

  private final String wire;

  EndReason(String wire) {
    this.wire = wire;
  }

  Optional<String> wire() {
    return Optional.ofNullable(wire);
  }
}
