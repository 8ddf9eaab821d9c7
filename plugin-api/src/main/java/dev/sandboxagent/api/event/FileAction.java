package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** What an agent did with a file referenced by a {@link ContentPart.FileRef}. */
public enum FileAction {
  /** {@code read} on the wire. */
  @JsonProperty("read")
  READ,
  /** {@code write} on the wire. */
  @JsonProperty("write")
  WRITE,
  /** {@code patch} on the wire. */
  @JsonProperty("patch")
  PATCH;

  /** Returns the wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
