package red.sessions.vyoma.bus;

/**
 * A business event a domain counts, exported to Prometheus as {@code <name>_total} with dots turned into
 * underscores: {@code vyoma.bookings.made} is {@code vyoma_bookings_made_total}. (A name may not end in
 * {@code created}: OpenMetrics reserves that suffix, and the exporter drops it.)
 */
public record DomainCounter(String name, String description) {
}
