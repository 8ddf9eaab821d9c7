package dev.sandboxagent.api.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading the JSON files agents keep their settings and credentials in, where a missing or broken
 * file means "nothing there" rather than an error.
 *
 * @since 1.1
 */
public final class JsonFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonFiles() {}

  /** The JSON object in {@code file}, or null when it is missing, unreadable or not an object. */
  public static JsonNode object(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      JsonNode node = JSON.readTree(file.toFile());
      return node != null && node.isObject() ? node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
