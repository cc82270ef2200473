package red.sessions.vyoma.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.function.BiFunction;

/**
 * Typed domain services on the event bus, on this node only. A domain serves its service interface at its
 * address ({@link #serve}); callers hold a proxy of the same interface ({@link #proxy}). A call travels as
 * the method and its arguments, and the answer as the domain's own result or failure, all by reference: the
 * messages never leave the node (deliveries are local only), so a codec that hands the object over as it is
 * replaces the JSON copies a clustered message would need, and nothing is encoded or decoded per call.
 */
public final class LocalServices {

  private static final String CODEC = "vyoma.local";
  private static final DeliveryOptions ANSWER = new DeliveryOptions().setCodecName(CODEC);

  private LocalServices() {
  }

  /** One call of a service method. */
  private record Call(Method method, Object[] args) {
  }

  /** The failure a service answered, carried back to the caller as it is (not as a code and a message). */
  private static final class Failed extends ReplyException {
    Failed(Throwable cause) {
      super(ReplyFailure.RECIPIENT_FAILURE, -1, cause.getMessage(), cause, true);
    }
  }

  /** Makes the by-reference codec known to this Vert.x; once per instance, before any service is served. */
  public static void register(Vertx vertx) {
    vertx.eventBus().registerCodec(new ByReference());
  }

  /**
   * Serves the service at the address, on this node.
   *
   * @param failures what a failure of a method becomes for the caller (say, a constraint violation turned
   *                 into the domain's answer); applied on the serving side
   */
  public static <S> Future<MessageConsumer<?>> serve(Vertx vertx, String address, Class<S> type, S service,
                                                        BiFunction<Method, Throwable, Throwable> failures) {
    requireFutures(type);
    MessageConsumer<Call> consumer = vertx.eventBus().localConsumer(address, message -> answer(message, service, failures));
    return consumer.completion().map(v -> consumer);
  }

  private static <S> void answer(Message<Call> message, S service, BiFunction<Method, Throwable, Throwable> failures) {
    Call call = message.body();
    Future<?> result;
    try {
      result = (Future<?>) call.method().invoke(service, call.args());
    } catch (InvocationTargetException e) {
      result = Future.failedFuture(e.getCause());
    } catch (IllegalAccessException e) {
      result = Future.failedFuture(e);
    }
    result
      .onSuccess(value -> message.reply(value, ANSWER))
      .onFailure(failure -> message.reply(new Failed(failures.apply(call.method(), failure))));
  }

  /**
   * A proxy of the service served at the address: each call is one event-bus request on this node, answered
   * on the caller's context, failing with the service's own failure, or with a {@link ReplyException} when no
   * answer came in time or nothing serves the address.
   */
  public static <S> S proxy(Vertx vertx, Class<S> type, String address, long timeoutMs) {
    requireFutures(type);
    DeliveryOptions delivery = new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs).setCodecName(CODEC);
    Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> self == args[0];
          case "hashCode" -> System.identityHashCode(self);
          default -> type.getSimpleName() + " at " + address;
        };
      }
      return vertx.eventBus().request(address, new Call(method, args), delivery).transform(answer -> answer.succeeded()
        ? Future.succeededFuture(answer.result().body())
        : Future.failedFuture(answer.cause() instanceof Failed failed ? failed.getCause() : answer.cause()));
    });
    return type.cast(proxy);
  }

  private static void requireFutures(Class<?> type) {
    if (!type.isInterface()) {
      throw new IllegalArgumentException(type + " is not an interface");
    }
    Arrays.stream(type.getMethods()).filter(method -> method.getReturnType() != Future.class).findFirst()
      .ifPresent(method -> {
        throw new IllegalArgumentException(type.getSimpleName() + "." + method.getName() + " must return a Future");
      });
  }

  /** Hands a message's object to its local receiver as it is; such messages never travel to another node. */
  private static final class ByReference implements MessageCodec<Object, Object> {

    @Override
    public void encodeToWire(Buffer buffer, Object value) {
      throw new UnsupportedOperationException("service calls stay on their node");
    }

    @Override
    public Object decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("service calls stay on their node");
    }

    @Override
    public Object transform(Object value) {
      return value;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
