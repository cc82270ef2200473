package red.sessions.vyoma.platform;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

import java.util.Locale;

/**
 * The encoder {@code logback.xml} names, in the format {@code VYOMA_LOG_FORMAT} picks (logback reads the
 * variable, since logging starts before the configuration): {@code text}, the default, is one readable
 * line per event in the given pattern; {@code json} is one JSON object per line from logback's own
 * {@link JsonEncoder}: {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName},
 * {@code loggerName}, the event's key/values in {@code kvpList}, {@code formattedMessage} and
 * {@code throwable}.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {

  private String format = "text";
  private String pattern;
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    delegate = switch (format.strip().toLowerCase(Locale.ROOT)) {
      case "json" -> json();
      case "text", "" -> text();
      default -> {
        // Logback's own status messages would go to stdout, where `token` prints its token.
        System.err.println("VYOMA_LOG_FORMAT is " + format + ", neither text nor json: logging text");
        yield text();
      }
    };
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  private static Encoder<ILoggingEvent> json() {
    JsonEncoder json = new JsonEncoder();
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithMDC(false);
    json.setWithMessage(false);
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    return json;
  }

  private Encoder<ILoggingEvent> text() {
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setPattern(pattern);
    return text;
  }

  @Override
  public void stop() {
    delegate.stop();
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
