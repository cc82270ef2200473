package red.sessions.vyoma.kernel;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.Echo;

import java.time.ZoneId;
import java.util.Set;
import java.util.stream.Collectors;

/** The time zones a client may name (a schedule's, a profile's), by their IANA names. */
public final class TimeZones {

  /**
   * Those of this JVM's IANA time zone database in its Area/Location form ({@code Europe/Berlin},
   * {@code America/Argentina/Buenos_Aires}, the {@code Etc/} zones, old links such as {@code US/Eastern}), and
   * {@code UTC}. Left out are the legacy names with no area ({@code EST5EDT}, {@code Japan}, {@code GMT}) and
   * Java's {@code SystemV/} ids, which the IANA database no longer has; {@link ZoneId#of} also takes offsets
   * ({@code +05:30}, {@code GMT+3}), which are no zone of the database. Read once, since getAvailableZoneIds
   * copies the set on every call. (iCal4j adds zones of its own to the JVM's list, named {@code ical4j~<uuid>},
   * without rules of their own: no zone a client may name either.)
   */
  public static final Set<String> NAMES = ZoneId.getAvailableZoneIds().stream()
    .filter(zone -> zone.equals("UTC") || zone.contains("/") && !zone.startsWith("SystemV/"))
    .collect(Collectors.toUnmodifiableSet());

  private TimeZones() {
  }

  /** The zone of that name; invalid input, naming the field, otherwise. */
  public static ZoneId of(String name, String field) {
    if (!NAMES.contains(name)) {
      throw DomainException.invalid(field + " must be an IANA time zone such as Europe/Berlin (or UTC), not "
        + Echo.of(name));
    }
    return ZoneId.of(name);
  }
}
