package dev.sandboxagent.host.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The route patterns of the daemon ({@code /v1/sessions/{sessionId}/events}), to name a request's
 * route in metrics and the access log by its pattern rather than its raw path: the number of
 * names stays bounded whatever the clients send. Filled while the routing is built, read after.
 */
final class RouteTemplates {

  /** The name of every path that matches no route. */
  static final String UNMATCHED = "unmatched";

  private record Template(String route, Pattern pattern) {}

  private final List<Template> templates = new ArrayList<>();
  /**
   * The routes without a parameter that no earlier route matches, by their path: looked up without
   * a regular expression (the health checks are asked for thousands of times a second).
   */
  private final Map<String, String> literals = new HashMap<>();

  /** Adds a route pattern; {@code {name}} stands for one path segment. */
  void add(String route) {
    if (route.indexOf('{') < 0 && of(route).equals(UNMATCHED)) {
      literals.put(route, route);
    }
    StringBuilder regex = new StringBuilder();
    int at = 0;
    while (at < route.length()) {
      int open = route.indexOf('{', at);
      int close = open < 0 ? -1 : route.indexOf('}', open);
      if (close < 0) {
        regex.append(Pattern.quote(route.substring(at)));
        break;
      }
      if (open > at) {
        regex.append(Pattern.quote(route.substring(at, open)));
      }
      regex.append("[^/]+");
      at = close + 1;
    }
    templates.add(new Template(route, Pattern.compile(regex.toString())));
  }

  /** The pattern of the first route {@code rawPath} matches, or {@link #UNMATCHED}. */
  String of(String rawPath) {
    String literal = literals.get(rawPath);
    if (literal != null) {
      return literal;
    }
    for (Template t : templates) {
      if (t.pattern().matcher(rawPath).matches()) {
        return t.route();
      }
    }
    return UNMATCHED;
  }
}
