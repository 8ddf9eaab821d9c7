package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

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
  private String inlineImageMessage(String text) {
    ObjectNode body = Launcher.JSON.createObjectNode().put("message", text);
    body.putArray("attachments").add(Launcher.JSON.createObjectNode().put("type", "image")
        .put("data", Base64.getEncoder().encodeToString(png)).put("name", "inline.png"));
    return body.toString();
  }

  /**
   * Sends, in {@code session} of {@code daemon}, a message attaching the image and the file, then
   * one attaching the image inline, each awaited until the status item {@code turnEnd} completes;
   * checks that the model received both attachments and the inline image, and that the log shows
   * them by name, never by content.
   *
   * @param modelRequests the bodies of the requests the fake model received so far, growing
   */
  void sendBothThenInline(Launcher daemon, String session, List<String> modelRequests, String turnEnd)
      throws Exception {
    String messages = "/v1/sessions/" + session + "/messages";
    int from = daemon.events(session).size();
    assertThat(daemon.post(messages, message("Describe the attachments.")).statusCode()).isEqualTo(204);
    int end = daemon.awaitEvent(session, from, Launcher.statusCompleted(turnEnd), TIMEOUT).get("sequence").asInt();
    assertModelReceivedBoth(modelRequests);
    assertUserItemsShowAll(daemon.events(session), "Describe the attachments.");

    int before = modelRequests.size();
    assertThat(daemon.post(messages, inlineImageMessage("And this one?")).statusCode()).isEqualTo(204);
    daemon.awaitEvent(session, end, Launcher.statusCompleted(turnEnd), TIMEOUT);
    assertThat(modelRequests.subList(before, modelRequests.size())).as("a model request carrying the inline image")
        .anyMatch(b -> b.contains(base64()));
    assertThat(daemon.events(session).toString())
        .contains("{\"type\":\"image\",\"path\":\"inline.png\",\"mime\":\"image/png\"}")
        .doesNotContain(base64());
  }

  /** The image's content in Base64, as a model API carries it. */
  String base64() {
    return Base64.getEncoder().encodeToString(png);
  }

  /** Some request to the model carried the image's bytes, and some the file's text. */
  private void assertModelReceivedBoth(List<String> modelRequests) {
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
