package red.sessions.vyoma.bus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Function;

/**
 * The shape every domain verticle shares: it consumes API calls on its own address, runs the action
 * named in the message's {@code action} header, and replies with an {@link ApiReply}. Failures become
 * a {@code ReplyException} whose failure code is the HTTP status: an {@link ApiException} as it is,
 * a constraint the database enforced as 409, anything else as a logged 500 that reveals nothing.
 */
public abstract class DomainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DomainVerticle.class);

  private final String address;
  private Map<String, Function<ApiRequest, Future<ApiReply>>> actions;
  private MessageConsumer<JsonObject> consumer;

  protected DomainVerticle(String address) {
    this.address = address;
  }

  /** The actions this domain answers, by name; called once when the verticle starts. */
  protected abstract Map<String, Function<ApiRequest, Future<ApiReply>>> actions();

  @Override
  public Future<?> start() {
    actions = actions();
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
    if (failure instanceof ApiException api) {
      message.fail(api.status(), api.getMessage());
    } else if (failure instanceof PgException pg && isConstraintConflict(pg.getSqlState())) {
      message.fail(409, "the request conflicts with the current state of the resource");
    } else {
      LOG.error("request {} failed in {} {}", message.headers().get(ApiRequest.REQUEST_ID_HEADER), address, action, failure);
      message.fail(500, "internal error");
    }
  }

  private static boolean isConstraintConflict(String sqlState) {
    return "23505".equals(sqlState) || "23P01".equals(sqlState);
  }
}
