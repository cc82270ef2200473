package red.sessions.vyoma.notifications;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.mail.mailencoder.MailEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where emails go ({@code mail.provider}): {@code smtp}, through vertx-mail-client to a real SMTP server, or
 * {@code log}, the embedded default, each message encoded by the same client's encoder as an RFC 5322 {@code .eml}
 * file under {@code <data_dir>/mail/} with one log line, so nothing leaves the machine. A failed future carries
 * the SMTP server's answer ({@code SMTPException}) or the connection's failure.
 */
interface Mailer {

  Future<Void> send(MailMessage message, String name);

  Future<Void> close();

  /** Where the {@code log} provider writes its files. */
  static Path logDirectory(Path dataDir) {
    return dataDir.resolve("mail");
  }

  /**
   * @param mail the {@code mail} section
   */
  static Mailer of(Vertx vertx, JsonObject mail, Path dataDir, int maxInFlight) {
    String provider = mail.getString("provider");
    return switch (provider) {
      case "log" -> new Files(vertx, logDirectory(dataDir));
      case "smtp" -> new Smtp(MailClient.create(vertx, smtp(mail, maxInFlight)));
      default -> throw new IllegalArgumentException("mail.provider must be log or smtp, not " + provider);
    };
  }

  private static MailConfig smtp(JsonObject mail, int maxInFlight) {
    int timeoutMs = (int) (mail.getLong("timeout_seconds") * 1000);
    MailConfig config = new MailConfig()
      .setHostname(mail.getString("host"))
      .setPort(mail.getInteger("port"))
      .setStarttls(StartTLSOptions.valueOf(mail.getString("starttls").toUpperCase(Locale.ROOT)))
      .setMaxPoolSize(maxInFlight)
      .setKeepAlive(true);
    config.setConnectTimeout(timeoutMs);
    if (!mail.getString("username").isBlank()) {
      config.setUsername(mail.getString("username")).setPassword(mail.getString("password"));
    }
    return config;
  }

  /** Real SMTP. */
  record Smtp(MailClient client) implements Mailer {

    @Override
    public Future<Void> send(MailMessage message, String name) {
      return client.sendMail(message).mapEmpty();
    }

    @Override
    public Future<Void> close() {
      return client.close();
    }
  }

  /** Each message as a file named after its notification. */
  record Files(Vertx vertx, Path directory) implements Mailer {

    private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);

    @Override
    public Future<Void> send(MailMessage message, String name) {
      String eml = new MailEncoder(message, "localhost").encode();
      Path file = directory.resolve(name + ".eml");
      return vertx.fileSystem().mkdirs(directory.toString())
        .compose(made -> vertx.fileSystem().writeFile(file.toString(), Buffer.buffer(eml)))
        .onSuccess(written -> LOG.info("Mail to {} written to {}: {}", message.getTo(), file, message.getSubject()));
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
