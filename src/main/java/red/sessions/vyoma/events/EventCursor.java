package red.sessions.vyoma.events;

/**
 * A place in the outbox's order: after the event at this transaction id and position. Only events of
 * transactions older than every one still running are read, so nothing can later appear before a cursor.
 */
public record EventCursor(String txid, long position) implements Comparable<EventCursor> {

  /** Before every event. */
  public static final EventCursor BEGINNING = new EventCursor("0", 0);

  /** The outbox's order: by transaction id (PostgreSQL's {@code xid8}, unsigned), then position. */
  @Override
  public int compareTo(EventCursor other) {
    int byTransaction = Long.compareUnsigned(Long.parseUnsignedLong(txid), Long.parseUnsignedLong(other.txid));
    return byTransaction != 0 ? byTransaction : Long.compare(position, other.position);
  }
}
