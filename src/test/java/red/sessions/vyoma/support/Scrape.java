package red.sessions.vyoma.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text exposition, read back as samples: a metric name, its labels and its value. */
public final class Scrape {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  public record Sample(String name, Map<String, String> labels, double value) {
  }

  private final List<Sample> samples;

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

  /** The value of the one sample of this metric with these labels (among others); 0 when there is none. */
  public double value(String name, Map<String, String> labels) {
    List<Sample> found = find(name, labels);
    if (found.size() > 1) {
      throw new AssertionError(found.size() + " samples of " + name + " match " + labels + ": " + found);
    }
    return found.isEmpty() ? 0 : found.get(0).value();
  }

  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  public List<Sample> samples() {
    return samples;
  }
}
