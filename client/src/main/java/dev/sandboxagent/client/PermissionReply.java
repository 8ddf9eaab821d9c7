package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** An answer to a permission request. */
public enum PermissionReply {
  /** Allow this once. */
  ONCE,
  /** Allow this and the same kind of request for the rest of the session. */
  ALWAYS,
  /** Deny. */
  REJECT;

  /** The wire value, such as {@code once}. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
