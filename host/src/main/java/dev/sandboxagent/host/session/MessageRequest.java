package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A message as the client sent it: its text and its attachments, not yet read.
 *
 * @param text the message
 * @param attachments the attachments, in the order sent (empty when none)
 */
public record MessageRequest(String text, List<AttachmentRequest> attachments) {
  public MessageRequest {
    requireNonNull(text, "text is null");
    attachments = List.copyOf(attachments);
  }

  /** A message without attachments. */
  public static MessageRequest text(String text) {
    return new MessageRequest(text, List.of());
  }

  /**
   * One attachment as the client sent it (optional fields null when absent): exactly one of {@code
   * path} and {@code data} is set.
   *
   * @param type {@code image} or {@code file}
   * @param path a path relative to the session's working directory, or null
   * @param data the content in Base64, or null
   * @param mimeType the content's media type, or null to detect it
   * @param name the name of inline content, or null
   */
  public record AttachmentRequest(String type, String path, String data, String mimeType, String name) {
    public AttachmentRequest {
      requireNonNull(type, "type is null");
    }
  }
}
