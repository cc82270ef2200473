package red.sessions.vyoma.bus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.pgclient.PgException;
import red.sessions.vyoma.platform.Database;
import red.sessions.vyoma.platform.Metrics;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The shape every domain verticle shares: it serves its domain's typed service at the domain's address
 * ({@link LocalServices}), on this node. Failures reach the caller as the domain's {@link DomainException}:
 * one the domain raised as it is; a constraint the database enforced as the domain's answer for that
 * constraint, or else a conflict for unique, exclusion and foreign-key violations and invalid input for
 * check violations and other data exceptions (class 22); a deadlock or serialization failure as a conflict
 * the caller may send again at once (its transaction was rolled back whole; retrying here could repeat the
 * steps of a call that ran outside it); a database that cannot be reached ({@link Database#unreachable}) as
 * a dependency unavailable for now; anything else unchanged, for the HTTP front to log and answer as an
 * internal error.
 * Every conflict is counted ({@code vyoma_conflicts_total} by domain and action, the action being the
 * method's name in kebab case), and so are the business events a domain declares in {@link #counters()}.
 *
 * @param <S> the domain's service interface, which the verticle implements
 */
public abstract class DomainVerticle<S> extends VerticleBase {

  private static final String CONFLICTS = "vyoma.conflicts";
  /** A deadlock (40P01) or a serialization failure (40001): PostgreSQL rolled this transaction back for another's sake. */
  private static final Set<String> CONCURRENT_TRANSACTIONS = Set.of("40P01", "40001");
  private static final DomainException COLLIDED = DomainException.conflict(
    "the request collided with a concurrent change and was rolled back; send it again");
  /**
   * A data exception (class 22: a value out of a column's range, text PostgreSQL cannot hold): the HTTP front
   * refuses what it can name first, and this answers whatever slips past it as the client's mistake it is.
   */
  private static final DomainException UNSTORABLE = DomainException.invalid(
    "a value of the request is out of range or cannot be stored");
  private static final DomainException DATABASE_UNREACHABLE = new DomainException(
    DomainException.Reason.DEPENDENCY_UNAVAILABLE, "the database is unavailable; try again shortly");

  private final String address;
  private final Class<S> type;
  private final Map<String, DomainException> constraintAnswers;
  private MessageConsumer<?> consumer;
  private MeterRegistry meters;
  private Map<Method, Counter> conflicts;

  /**
   * @param constraintAnswers what to answer, by constraint name, when the database refuses a write
   */
  protected DomainVerticle(String address, Class<S> type, Map<String, DomainException> constraintAnswers) {
    this.address = address;
    this.type = type;
    this.constraintAnswers = constraintAnswers;
    if (!type.isInstance(this)) {
      throw new IllegalStateException(getClass().getSimpleName() + " does not implement " + type.getSimpleName());
    }
  }

  /** The business events this domain counts; registered at start, so they read 0 until the first one. */
  protected List<DomainCounter> counters() {
    return List.of();
  }

  /** One more of a business event, counted where it has succeeded. */
  protected final void count(DomainCounter counter) {
    register(counter).increment();
  }

  private Counter register(DomainCounter counter) {
    return Counter.builder(counter.name()).description(counter.description()).register(meters);
  }

  @Override
  public Future<?> start() {
    meters = Metrics.registry(vertx);
    counters().forEach(this::register);
    conflicts = Arrays.stream(type.getMethods()).collect(Collectors.toMap(Function.identity(), method -> Counter.builder(CONFLICTS)
      .description("Requests refused with 409 because they conflict with the current state (e.g. a double booking)")
      .tag("domain", address)
      .tag("action", kebabCase(method.getName()))
      .register(meters)));
    return LocalServices.serve(vertx, address, type, type.cast(this), this::answer).onSuccess(served -> consumer = served);
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  private Throwable answer(Method method, Throwable failure) {
    DomainException answer = failure instanceof DomainException domain ? domain
      : Database.unreachable(failure) ? DATABASE_UNREACHABLE
      : failure instanceof PgException pg ? constraintAnswer(pg) : null;
    if (answer != null && answer.reason() == DomainException.Reason.CONFLICT) {
      conflicts.get(method).increment();
    }
    return answer != null ? answer : failure;
  }

  private DomainException constraintAnswer(PgException failure) {
    String state = failure.getSqlState();
    if (CONCURRENT_TRANSACTIONS.contains(state)) {
      return COLLIDED;
    }
    if (state != null && state.startsWith("22")) {
      return UNSTORABLE;
    }
    if (state == null || !state.startsWith("23")) {
      return null;
    }
    DomainException known = failure.getConstraint() != null ? constraintAnswers.get(failure.getConstraint()) : null;
    if (known != null) {
      return known;
    }
    return switch (state) {
      case "23505", "23P01", "23503" -> DomainException.conflict("the request conflicts with the current state of the resource");
      case "23514" -> DomainException.invalid("a value is out of the allowed range");
      default -> null;
    };
  }

  /** {@code changeStatus} is {@code change-status}, as actions have always been named in the metrics. */
  private static String kebabCase(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
