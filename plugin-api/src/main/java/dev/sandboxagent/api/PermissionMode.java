package dev.sandboxagent.api;

import java.util.Locale;
import java.util.Optional;

/** How a session's agent asks before acting. */
public enum PermissionMode {
  /** The agent's default behaviour: ask where it would ask. */
  DEFAULT,
  /** Plan only, no changes. */
  PLAN,
  /** Skip permission checks. */
  BYPASS;

  /** Returns the wire value, e.g. {@code default}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire value exactly (case-sensitive). */
  public static Optional<PermissionMode> parse(String value) {
    for (PermissionMode mode : values()) {
      if (mode.wireName().equals(value)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
