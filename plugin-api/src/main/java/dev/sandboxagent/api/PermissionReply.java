package dev.sandboxagent.api;

import java.util.Locale;

/** A client's answer to a permission request. */
public enum PermissionReply {
  /** Allow this once. */
  ONCE,
  /** Allow this and the same kind of request for the rest of the session. */
  ALWAYS,
  /** Deny. */
  REJECT;

  /** Returns the wire value, e.g. {@code once}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
