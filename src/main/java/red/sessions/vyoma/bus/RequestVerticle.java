package red.sessions.vyoma.bus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.platform.Metrics;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The shape of a domain verticle not yet moved to a typed service ({@link DomainVerticle}): it consumes API calls on its own address, runs the action
 * named in the message's {@code action} header, and replies with an {@link ApiReply}. Failures become
 * a {@code ReplyException} whose failure code is the HTTP status: an {@link DomainException} as it is;
 * a constraint the database enforced as the domain's answer for that constraint, or else 409 for
 * unique, exclusion and foreign-key violations and 400 for check violations; anything else as a
 * logged 500 that reveals nothing. Every 409 is counted ({@code vyoma_conflicts_total} by domain and
 * action), and so are the business events a domain declares in {@link #counters()}.
 */
public abstract class RequestVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RequestVerticle.class);
  private static final String CONFLICTS = "vyoma.conflicts";

  private final String address;
  private final Map<String, DomainException> constraintAnswers;
  private Map<String, Function<ApiRequest, Future<ApiReply>>> actions;
  private MessageConsumer<JsonObject> consumer;
  private MeterRegistry meters;
  private Map<String, Counter> conflicts;

  /**
   * @param constraintAnswers what to answer, by constraint name, when the database refuses a write
   */
  protected RequestVerticle(String address, Map<String, DomainException> constraintAnswers) {
    this.address = address;
    this.constraintAnswers = constraintAnswers;
  }

  /** The actions this domain answers, by name; called once when the verticle starts. */
  protected abstract Map<String, Function<ApiRequest, Future<ApiReply>>> actions();

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
    actions = actions();
    meters = Metrics.registry(vertx);
    counters().forEach(this::register);
    conflicts = actions.keySet().stream().collect(Collectors.toMap(Function.identity(), action -> Counter.builder(CONFLICTS)
      .description("Requests refused with 409 because they conflict with the current state (e.g. a double booking)")
      .tag("domain", address)
      .tag("action", action)
      .register(meters)));
    consumer = vertx.eventBus().localConsumer(address, this::dispatch);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  private void dispatch(Message<JsonObject> message) {
    String action = message.headers().get(ApiRequest.ACTION_HEADER);
    Function<ApiRequest, Future<ApiReply>> handler = actions.get(action);
    if (handler == null) {
      message.fail(500, "no action " + action + " at " + address);
      return;
    }
    Future<ApiReply> reply;
    try {
      reply = handler.apply(ApiRequest.fromJson(message.body()));
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onSuccess(result -> message.reply(result.toJson()))
      .onFailure(failure -> fail(message, action, failure));
  }

  private void fail(Message<JsonObject> message, String action, Throwable failure) {
    DomainException answer = failure instanceof DomainException domain ? domain
      : failure instanceof PgException pg ? constraintAnswer(pg) : null;
    if (answer == null) {
      LOG.error("request {} failed in {} {}", message.headers().get(ApiRequest.REQUEST_ID_HEADER), address, action, failure);
      message.fail(500, "internal error");
    } else {
      if (answer.reason() == DomainException.Reason.CONFLICT) {
        conflicts.get(action).increment();
      }
      message.reply(LocalServices.answered(answer));
    }
  }

  private DomainException constraintAnswer(PgException failure) {
    String state = failure.getSqlState();
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
}
