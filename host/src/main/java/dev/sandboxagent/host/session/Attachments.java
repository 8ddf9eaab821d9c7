package dev.sandboxagent.host.session;

import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.host.session.MessageRequest.AttachmentRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads and checks a message's attachments: a path must name a regular file inside the session's
 * working directory (symbolic links included, after they are followed), inline data must be
 * Base64, all of a message's attachments together hold at most {@link #MAX_BYTES}, and an image
 * must be a PNG, JPEG, GIF or WebP image. Every refusal is an {@code invalid_request} naming the
 * attachment by its index.
 */
final class Attachments {

  /** The most bytes all attachments of one message may hold together. */
  static final int MAX_BYTES = 10 * 1024 * 1024;
  private static final int MAX_NAME_LENGTH = 255;
  private static final Pattern MIME = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*");

  private Attachments() {}

  /**
   * Reads every attachment of {@code requests}.
   *
   * @param workingDirectory the session's working directory, which paths are relative to
   * @throws SessionException when one cannot be read or is not acceptable
   */
  static List<Attachment> read(Path workingDirectory, List<AttachmentRequest> requests) {
    List<Attachment> attachments = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < requests.size(); i++) {
      Attachment attachment = read(workingDirectory, requests.get(i), "attachments[" + i + "]", MAX_BYTES - total);
      total += attachment.size();
      attachments.add(attachment);
    }
    return List.copyOf(attachments);
  }

  /** Refuses an attachment of a kind the agent does not advertise. */
  static void checkAccepted(String agent, AgentDescriptor descriptor, List<Attachment> attachments) {
    for (Attachment attachment : attachments) {
      Capability needed = attachment.kind() == Attachment.Kind.IMAGE ? Capability.IMAGES : Capability.FILE_ATTACHMENTS;
      if (!descriptor.has(needed)) {
        throw SessionException.invalidRequest("agent " + agent + " does not take "
            + (needed == Capability.IMAGES ? "images" : "file attachments") + " (" + attachment.name() + ")");
      }
    }
  }

  private static Attachment read(Path workingDirectory, AttachmentRequest request, String field, long room) {
    Attachment.Kind kind = switch (request.type()) {
      case "image" -> Attachment.Kind.IMAGE;
      case "file" -> Attachment.Kind.FILE;
      default -> throw invalid(field + ".type: unknown variant `" + request.type() + "`, expected `image` or `file`");
    };
    if ((request.path() == null) == (request.data() == null)) {
      throw invalid(field + ": exactly one of `path` and `data` is required");
    }
    String given = request.mimeType() == null ? null : request.mimeType().strip().toLowerCase(Locale.ROOT);
    if (given != null && !MIME.matcher(given).matches()) {
      throw invalid(field + ".mimeType: not a media type: " + request.mimeType());
    }
    String name;
    Path path = null;
    byte[] content;
    if (request.path() != null) {
      if (request.name() != null) {
        throw invalid(field + ": `name` is for inline `data`; a file is named by its path");
      }
      path = confined(workingDirectory, request.path(), field);
      name = request.path();
      content = readFile(path, field, room);
    } else {
      name = request.name() == null ? null : checkedName(request.name(), field);
      try {
        content = Base64.getMimeDecoder().decode(request.data());
      } catch (IllegalArgumentException e) {
        throw invalid(field + ".data: not Base64: " + e.getMessage());
      }
      if (content.length > room) {
        throw tooLarge(field);
      }
    }
    String mimeType;
    if (kind == Attachment.Kind.IMAGE) {
      mimeType = imageType(content);
      if (mimeType == null) {
        throw invalid(field + ": not a PNG, JPEG, GIF or WebP image");
      }
      if (given != null && !given.equals(mimeType)) {
        throw invalid(field + ".mimeType: " + given + ", but the content is " + mimeType);
      }
    } else {
      mimeType = given != null ? given : fileType(name == null ? "" : name, content);
    }
    if (name == null) {
      name = "attachment" + extension(mimeType);
    }
    return new Attachment(kind, name, mimeType, path, content);
  }

  /** The real path of {@code given} if it lies inside the working directory and is a regular file. */
  private static Path confined(Path workingDirectory, String given, String field) {
    if (given.isEmpty() || given.indexOf('\0') >= 0) {
      throw invalid(field + ".path: empty or holding a NUL character");
    }
    Path root;
    Path real;
    try {
      root = workingDirectory.toRealPath();
      real = root.resolve(given).normalize().toRealPath();
    } catch (InvalidPathException e) {
      throw invalid(field + ".path: not a path: " + given);
    } catch (NoSuchFileException e) {
      throw invalid(field + ".path: no such file in the session's working directory: " + given);
    } catch (IOException e) {
      throw invalid(field + ".path: cannot be read: " + given);
    }
    if (!real.startsWith(root)) {
      throw invalid(field + ".path: outside the session's working directory: " + given);
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw invalid(field + ".path: not a regular file: " + given);
    }
    return real;
  }

  private static byte[] readFile(Path path, String field, long room) {
    try (InputStream in = Files.newInputStream(path)) {
      // One byte more than allowed tells a file over the limit, even one that grows while read.
      byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, room + 1));
      if (content.length > room) {
        throw tooLarge(field);
      }
      return content;
    } catch (IOException e) {
      throw invalid(field + ".path: cannot be read: " + e.getMessage());
    }
  }

  private static String checkedName(String name, String field) {
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
      throw invalid(field + ".name: must be 1 to " + MAX_NAME_LENGTH + " characters without control characters");
    }
    return name;
  }

  /** The image type the content's first bytes announce, or null. */
  static String imageType(byte[] content) {
    if (startsWith(content, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})) {
      return "image/png";
    }
    if (startsWith(content, 0, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff})) {
      return "image/jpeg";
    }
    if (startsWith(content, 0, ascii("GIF87a")) || startsWith(content, 0, ascii("GIF89a"))) {
      return "image/gif";
    }
    if (startsWith(content, 0, ascii("RIFF")) && startsWith(content, 8, ascii("WEBP"))) {
      return "image/webp";
    }
    return null;
  }

  private static String fileType(String name, byte[] content) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".pdf") || startsWith(content, 0, ascii("%PDF-"))) {
      return "application/pdf";
    }
    String guessed = URLConnection.getFileNameMap().getContentTypeFor(lower);
    if (guessed != null && !guessed.startsWith("text/")) {
      return guessed;
    }
    return new Attachment(Attachment.Kind.FILE, name, "text/plain", null, content).text().isPresent()
        ? "text/plain"
        : guessed != null ? guessed : "application/octet-stream";
  }

  private static String extension(String mimeType) {
    return switch (mimeType) {
      case "image/png" -> ".png";
      case "image/jpeg" -> ".jpg";
      case "image/gif" -> ".gif";
      case "image/webp" -> ".webp";
      case "application/pdf" -> ".pdf";
      case "text/plain" -> ".txt";
      default -> "";
    };
  }

  private static boolean startsWith(byte[] content, int offset, byte[] prefix) {
    return content.length >= offset + prefix.length
        && Arrays.equals(content, offset, offset + prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static SessionException tooLarge(String field) {
    return invalid(field + ": the attachments of a message hold at most " + MAX_BYTES / (1024 * 1024) + " MiB");
  }

  private static SessionException invalid(String message) {
    return SessionException.invalidRequest(message);
  }
}
