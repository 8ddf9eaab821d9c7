package dev.sandboxagent.host.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format (version 0.0.4): every line must be a comment, a
 * {@code # HELP} or {@code # TYPE} line, or a sample with a valid name, well-formed labels and a
 * number; anything else fails the parse.
 */
final class Exposition {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern META = Pattern.compile("# (HELP|TYPE) (" + NAME + ") ?(.*)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
  private static final List<String> TYPES = List.of("counter", "gauge", "histogram", "summary", "untyped", "info",
      "stateset", "gaugehistogram", "unknown");

  private final Map<String, Double> samples = new HashMap<>();
  private final Map<String, String> types = new LinkedHashMap<>();

  private Exposition() {}

  static Exposition parse(String text) {
    Exposition e = new Exposition();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        Matcher m = META.matcher(line);
        if (m.matches() && m.group(1).equals("TYPE")) {
          if (!TYPES.contains(m.group(3))) {
            throw new AssertionError("line " + number + ": unknown type: " + line);
          }
          e.types.put(m.group(2), m.group(3));
        }
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("line " + number + " is not a sample: " + line);
      }
      Map<String, String> labels = new TreeMap<>();
      if (m.group(3) != null && !m.group(3).isEmpty()) {
        Matcher l = LABEL.matcher(m.group(3));
        int at = 0;
        while (at < m.group(3).length()) {
          if (!l.find(at) || l.start() != at) {
            throw new AssertionError("line " + number + ": bad labels: " + line);
          }
          labels.put(l.group(1), l.group(2));
          at = l.end();
          if (at < m.group(3).length()) {
            if (m.group(3).charAt(at) != ',') {
              throw new AssertionError("line " + number + ": bad labels: " + line);
            }
            at++;
          }
        }
      }
      double value = switch (m.group(4)) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> {
          try {
            yield Double.parseDouble(m.group(4));
          } catch (NumberFormatException ex) {
            throw new AssertionError("line " + number + ": bad value: " + line);
          }
        }
      };
      String key = key(m.group(1), labels);
      if (e.samples.put(key, value) != null) {
        throw new AssertionError("line " + number + ": repeated sample: " + line);
      }
    }
    return e;
  }

  private static String key(String name, Map<String, String> labels) {
    return name + new TreeMap<>(labels);
  }

  /** The value of a sample, or null when there is none. */
  Double value(String name, String... labels) {
    Map<String, String> map = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      map.put(labels[i], labels[i + 1]);
    }
    return samples.get(key(name, map));
  }

  /** The value of a sample, 0 when there is none. */
  double count(String name, String... labels) {
    Double v = value(name, labels);
    return v == null ? 0 : v;
  }

  /** The type each metric family was declared with. */
  Map<String, String> types() {
    return types;
  }

  /** The names of the samples, with their labels. */
  List<String> sampleKeys() {
    return new ArrayList<>(samples.keySet());
  }
}
