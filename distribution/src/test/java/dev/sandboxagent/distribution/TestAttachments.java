package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * An image and a text file in a session's working directory, the message that attaches both, and
 * the checks that the model received them and that the user's item shows them.
 */
final class TestAttachments {

  static final String IMAGE = "shots/pixel.png";
  static final String FILE = "notes.txt";
  /** A line of the text file that appears nowhere else. */
  static final String MARKER = "attachment marker 7f3c1a: the build is green";

  final byte[] png;

  private TestAttachments(byte[] png) {
    this.png = png;
  }

  /** Writes a small PNG image and a text file into {@code workingDirectory}. */
  static TestAttachments write(Path workingDirectory) throws IOException {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 8; y++) {
        image.setRGB(x, y, (x * 31 + y * 7) << 8 | 0x3366);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    byte[] png = out.toByteArray();
    Files.createDirectories(workingDirectory.resolve("shots"));
    Files.write(workingDirectory.resolve(IMAGE), png);
    Files.writeString(workingDirectory.resolve(FILE), "Notes\n" + MARKER + "\n");
    return new TestAttachments(png);
  }

  /** The body of a message attaching the image and the file by path. */
  String message(String text) {
    ObjectNode body = Launcher.JSON.createObjectNode().put("message", text);
    body.putArray("attachments")
        .add(Launcher.JSON.createObjectNode().put("type", "image").put("path", IMAGE))
        .add(Launcher.JSON.createObjectNode().put("type", "file").put("path", FILE));
    return body.toString();
  }

  /** The body of a message attaching only the image, inline. */
  String inlineImageMessage(String text) {
    ObjectNode body = Launcher.JSON.createObjectNode().put("message", text);
    body.putArray("attachments").add(Launcher.JSON.createObjectNode().put("type", "image")
        .put("data", Base64.getEncoder().encodeToString(png)).put("name", "inline.png"));
    return body.toString();
  }

  /** The image's content in Base64, as a model API carries it. */
  String base64() {
    return Base64.getEncoder().encodeToString(png);
  }

  /** Some request to the model carried the image's bytes, and some the file's text. */
  void assertModelReceivedBoth(List<String> modelRequests) {
    assertThat(modelRequests).as("a model request carrying the image").anyMatch(b -> b.contains(base64()));
    assertThat(modelRequests).as("a model request carrying the file").anyMatch(b -> b.contains(MARKER));
  }

  /**
   * The user's items of {@code events} show the message's text, the image and the file (one item
   * for Claude and Codex; OpenCode records each part of a message as an item of its own).
   */
  static void assertUserItemsShowAll(JsonNode events, String text) {
    StringBuilder user = new StringBuilder();
    for (JsonNode e : events) {
      JsonNode item = e.path("data").path("item");
      if (e.get("type").asText().equals("item.completed") && item.path("role").asText().equals("user")) {
        user.append(item.path("content"));
      }
    }
    assertThat(user.toString())
        .contains(text)
        .contains("{\"type\":\"image\",\"path\":\"" + IMAGE + "\",\"mime\":\"image/png\"}")
        .contains("{\"type\":\"file_ref\",\"path\":\"" + FILE + "\",\"action\":\"read\",\"diff\":null}");
  }
}
