package red.sessions.vyoma.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A Prometheus text exposition, read back as samples: a metric name, its labels and its value. */
public final class Scrape {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  /** How many samples a failure lists: a histogram's buckets would bury the message. */
  private static final int LISTED = 20;

  public record Sample(String name, Map<String, String> labels, double value) {

    @Override
    public String toString() {
      return name + labels + " " + value;
    }
  }

  private final List<Sample> samples;

  /**
   * Scrapes until the sample has the value, or fails after 5 s with the last scrape's samples of that
   * metric: the server counts a request once its response has ended, which the client may see a moment
   * before, and a request's series appears only when the first such request is counted.
   */
  public static Scrape until(Supplier<HttpResponse<Buffer>> metrics, String name, Map<String, String> labels,
                             double expected) {
    return Wait.eventually(Duration.ofSeconds(5), Duration.ofMillis(50), () -> {
        HttpResponse<Buffer> response = metrics.get();
        assertEquals(200, response.statusCode());
        return new Scrape(response.bodyAsString());
      }, scrape -> scrape.valueOrZero(name, labels) == expected,
      last -> "no scrape within 5 s had " + name + labels + " at " + expected + "; in the last, " + last.describe(name));
  }

  public Scrape(String text) {
    this.samples = text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).map(Scrape::sample).toList();
  }

  private static Sample sample(String line) {
    Matcher sample = SAMPLE.matcher(line);
    if (!sample.matches()) {
      throw new AssertionError("not a Prometheus sample: " + line);
    }
    Map<String, String> labels = new HashMap<>();
    if (sample.group(2) != null) {
      Matcher label = LABEL.matcher(sample.group(2));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
    }
    return new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3)));
  }

  /** The samples of this metric whose labels include all of these. */
  public List<Sample> find(String name, Map<String, String> labels) {
    return samples.stream()
      .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
      .toList();
  }

  /** The value of the one sample of this metric with these labels (among others); an AssertionError when there is none. */
  public double value(String name, Map<String, String> labels) {
    List<Sample> found = some(name, labels);
    if (found.size() > 1) {
      throw new AssertionError(found.size() + " samples of " + name + " match " + labels + ": " + found);
    }
    return found.get(0).value();
  }

  /**
   * The value of the one sample of this metric with these labels, or 0 while there is none: for a
   * series the server creates on its first event, such as a request counter before that request.
   */
  public double valueOrZero(String name, Map<String, String> labels) {
    return find(name, labels).isEmpty() ? 0 : value(name, labels);
  }

  /** The sum of the samples of this metric with these labels (among others), of which there must be some. */
  public double sum(String name, Map<String, String> labels) {
    return some(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  private List<Sample> some(String name, Map<String, String> labels) {
    List<Sample> found = find(name, labels);
    if (found.isEmpty()) {
      throw new AssertionError("no sample of " + name + " has the labels " + labels + "; " + describe(name));
    }
    return found;
  }

  /** The samples of this metric, as a failure message lists them. */
  public String describe(String name) {
    List<Sample> named = find(name, Map.of());
    if (named.isEmpty()) {
      return "there is no " + name + " at all";
    }
    String listed = named.stream().limit(LISTED).map(Sample::toString).collect(Collectors.joining(", "));
    return "the samples of " + name + " are " + listed + (named.size() > LISTED ? " and " + (named.size() - LISTED) + " more" : "");
  }

  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  public List<Sample> samples() {
    return samples;
  }
}
