package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.FileAction;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * An image or a file sent with a message. The host has read and checked it before the session
 * sees it: a file named by path lies inside the session's working directory, the content is within
 * the size limit, and an image is a PNG, JPEG, GIF or WebP image whose {@link #mimeType()} says which.
 *
 * <p>An adapter hands each attachment to its agent in the agent's own form (an image content block,
 * a file part, a local path) and shows it in the user item it records with {@link #contentPart()}.
 * An attachment the agent cannot take is refused with an {@link AgentException.Kind#UNSUPPORTED}
 * exception before anything is sent, never dropped.
 *
 * @since 1.4
 */
public final class Attachment {

  /** What the attachment is. */
  public enum Kind {
    /** An image: {@code image/png}, {@code image/jpeg}, {@code image/gif} or {@code image/webp}. */
    IMAGE,
    /** Any other file: text, a PDF, or other bytes. */
    FILE
  }

  private final Kind kind;
  private final String name;
  private final String mimeType;
  private final Path path;
  private final byte[] content;

  /**
   * @param kind what the attachment is
   * @param name the path relative to the working directory as the client gave it, or for content
   *     sent inline the name the client gave it (or one the host made up)
   * @param mimeType the content's media type
   * @param path the file's absolute path inside the working directory, or null for inline content
   * @param content the content (not copied: the caller hands it over)
   */
  public Attachment(Kind kind, String name, String mimeType, Path path, byte[] content) {
    this.kind = requireNonNull(kind, "kind is null");
    this.name = requireNonNull(name, "name is null");
    this.mimeType = requireNonNull(mimeType, "mimeType is null");
    this.path = path;
    this.content = requireNonNull(content, "content is null");
  }

  /** What the attachment is. */
  public Kind kind() {
    return kind;
  }

  /** The name to show: the path as the client gave it, or the inline content's name. */
  public String name() {
    return name;
  }

  /** The content's media type, such as {@code image/png} or {@code text/plain}. */
  public String mimeType() {
    return mimeType;
  }

  /** The file's absolute path inside the working directory; empty for content sent inline. */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /** The content's size in bytes. */
  public int size() {
    return content.length;
  }

  /** A copy of the content, as read when the message was posted. */
  public byte[] content() {
    return content.clone();
  }

  /** The content in standard Base64. */
  public String base64() {
    return Base64.getEncoder().encodeToString(content);
  }

  /** The content as a {@code data:} URL. */
  public String dataUrl() {
    return "data:" + mimeType + ";base64," + base64();
  }

  /** The content as text when it is UTF-8 without NUL characters; empty for binary content. */
  public Optional<String> text() {
    for (byte b : content) {
      if (b == 0) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(content))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /**
   * The part that shows this attachment in the user's message item: an {@code image} part, or a
   * {@code file_ref} part with action {@code read}, named by {@link #name()}.
   */
  public ContentPart contentPart() {
    return kind == Kind.IMAGE
        ? new ContentPart.Image(name, mimeType)
        : new ContentPart.FileRef(name, FileAction.READ, null);
  }

  /** An {@link AgentException.Kind#UNSUPPORTED} exception saying that {@code agent} cannot take this. */
  public AgentException unsupported(String agent, String why) {
    return new AgentException(AgentException.Kind.UNSUPPORTED,
        agent + " cannot take the attachment " + name + " (" + mimeType + "): " + why);
  }

  @Override
  public String toString() {
    return "Attachment[" + kind + " " + name + " " + mimeType + " " + content.length + " bytes]";
  }
}
