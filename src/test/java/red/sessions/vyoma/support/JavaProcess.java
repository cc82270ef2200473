package red.sessions.vyoma.support;

import red.sessions.vyoma.Main;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link Main} in a JVM of its own, as {@code java -jar} runs it, with the test classpath. */
public final class JavaProcess {

  private JavaProcess() {
  }

  /**
   * Starts Main with these arguments; only the given {@code VYOMA_*} variables are set, and its log
   * (stderr) goes to {@code log}.
   */
  public static Process start(Map<String, String> env, Path log, String... args) throws IOException {
    return start(List.of(), env, log, args);
  }

  /** The same, with these options for the JVM itself (system properties, as an operator passes them). */
  public static Process start(List<String> jvmOptions, Map<String, String> env, Path log, String... args) throws IOException {
    return start(jvmOptions, env, ProcessBuilder.Redirect.to(log.toFile()), args);
  }

  /** The same, its log (stderr) going where {@code log} says: a pipe, for a test that reads it or leaves it unread. */
  public static Process start(List<String> jvmOptions, Map<String, String> env, ProcessBuilder.Redirect log,
                              String... args) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(javaBin));
    command.addAll(List.of(System.getProperty("hazelcast.jvm.flags", "").split(" ")).stream().filter(f -> !f.isBlank()).toList());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("VYOMA_"));
    builder.environment().putAll(env);
    builder.redirectError(log);
    return builder.start();
  }
}
