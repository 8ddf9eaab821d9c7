package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.host.daemon.HostConfig;
import java.io.RandomAccessFile;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages with attachments over real HTTP: what an agent that takes images and files receives, and
 * the clear 400 every unacceptable attachment gets, with nothing handed to the agent.
 */
@Timeout(60)
class AttachmentsTest {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
  private static final byte[] GIF = "GIF89a-rest".getBytes(StandardCharsets.US_ASCII);

  /** What each session of the viewer agent received: one list of attachments per message. */
  private static final Map<String, List<List<Attachment>>> RECEIVED = new ConcurrentHashMap<>();

  @TempDir Path tmp;
  private Path work;

  @BeforeEach
  void files() throws Exception {
    work = Files.createDirectories(tmp.resolve("work"));
    Files.createDirectories(work.resolve("shots"));
    Files.write(work.resolve("shots/a.png"), PNG);
    Files.writeString(work.resolve("notes.txt"), "some notes\n");
    Files.write(work.resolve("data.bin"), new byte[] {0, 1, 2});
    Files.writeString(tmp.resolve("secret.txt"), "outside\n");
    Files.createSymbolicLink(work.resolve("link.txt"), tmp.resolve("secret.txt"));
  }

  /** An agent that takes images and files, records them, and refuses files named {@code *.bin}. */
  private static final class Viewer implements AgentAdapter {
    @Override
    public AgentDescriptor descriptor() {
      return AgentDescriptor.builder("viewer")
          .capabilities(Capability.TEXT_MESSAGES, Capability.ITEM_STARTED, Capability.IMAGES, Capability.FILE_ATTACHMENTS)
          .mode("build", "Build", "Views")
          .permissionModes(PermissionMode.DEFAULT)
          .binaryName("sandbox-agent-viewer-test-agent")
          .builtin(true)
          .build();
    }

    @Override
    public AgentSession open(SessionContext context) {
      return new AgentSession() {
        @Override
        public String nativeSessionId() {
          return null;
        }

        @Override
        public void send(String message) {
          send(message, List.of());
        }

        @Override
        public void send(String message, List<Attachment> attachments) {
          for (Attachment a : attachments) {
            if (a.name().endsWith(".bin")) {
              throw a.unsupported("viewer", "binary files are not for me");
            }
          }
          RECEIVED.computeIfAbsent(context.sessionId(), s -> new CopyOnWriteArrayList<>()).add(attachments);
          List<ContentPart> parts = new ArrayList<>(List.of(new ContentPart.Text(message)));
          attachments.forEach(a -> parts.add(a.contentPart()));
          context.events().emit(AgentEvent.synthetic(new EventData.ItemCompleted(UniversalItem.of(
              "u" + RECEIVED.get(context.sessionId()).size(), ItemKind.MESSAGE, ItemRole.USER, parts,
              ItemStatus.COMPLETED))));
        }

        @Override
        public void close() {}
      };
    }
  }

  private TestServer start() {
    HostConfig config = new HostConfig("127.0.0.1", 0, null, CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), work);
    return TestServer.start(config, List.of(new Viewer(), new ScriptAdapter()));
  }

  private static String message(String text, ObjectNode... attachments) {
    ObjectNode body = TestServer.JSON.createObjectNode().put("message", text);
    ArrayNode list = body.putArray("attachments");
    for (ObjectNode a : attachments) {
      list.add(a);
    }
    return body.toString();
  }

  private static ObjectNode byPath(String type, String path) {
    return TestServer.JSON.createObjectNode().put("type", type).put("path", path);
  }

  private static ObjectNode inline(String type, byte[] data) {
    return TestServer.JSON.createObjectNode().put("type", type).put("data", Base64.getEncoder().encodeToString(data));
  }

  private static String detail(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    return TestServer.json(response).get("detail").asText();
  }

  @Test
  void theAgentReceivesEachAttachmentReadAndNamedAndTheUserItemShowsThem() throws Exception {
    try (TestServer server = start()) {
      assertThat(server.post("/v1/sessions/v1", "{\"agent\":\"viewer\"}").statusCode()).isEqualTo(200);
      HttpResponse<String> sent = server.post("/v1/sessions/v1/messages", message("Look.",
          byPath("image", "shots/a.png"), byPath("file", "notes.txt"),
          inline("image", GIF).put("name", "inline.gif"), inline("file", "hello".getBytes(StandardCharsets.UTF_8))));
      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(204);

      List<Attachment> got = RECEIVED.get("v1").get(0);
      assertThat(got).extracting(Attachment::kind, Attachment::name, Attachment::mimeType, Attachment::size)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Attachment.Kind.IMAGE, "shots/a.png", "image/png", PNG.length),
              org.assertj.core.groups.Tuple.tuple(Attachment.Kind.FILE, "notes.txt", "text/plain", 11),
              org.assertj.core.groups.Tuple.tuple(Attachment.Kind.IMAGE, "inline.gif", "image/gif", GIF.length),
              org.assertj.core.groups.Tuple.tuple(Attachment.Kind.FILE, "attachment.txt", "text/plain", 5));
      assertThat(got.get(0).content()).isEqualTo(PNG);
      assertThat(got.get(0).path()).contains(work.toRealPath().resolve("shots/a.png"));
      assertThat(got.get(1).text()).contains("some notes\n");
      assertThat(got.get(2).path()).isEmpty();

      String events = server.get("/v1/sessions/v1/events").body();
      assertThat(events).contains("{\"type\":\"image\",\"path\":\"shots/a.png\",\"mime\":\"image/png\"}")
          .contains("{\"type\":\"file_ref\",\"path\":\"notes.txt\",\"action\":\"read\",\"diff\":null}")
          .contains("{\"type\":\"image\",\"path\":\"inline.gif\",\"mime\":\"image/gif\"}");
    }
  }

  @Test
  void everyUnacceptableAttachmentIsAClear400AndNothingReachesTheAgent() throws Exception {
    try (RandomAccessFile big = new RandomAccessFile(work.resolve("big.txt").toFile(), "rw")) {
      big.setLength(10L * 1024 * 1024 + 1);
    }
    try (TestServer server = start()) {
      assertThat(server.post("/v1/sessions/v2", "{\"agent\":\"viewer\"}").statusCode()).isEqualTo(200);
      String messages = "/v1/sessions/v2/messages";
      assertThat(detail(server.post(messages, message("x", byPath("file", "../secret.txt")))))
          .isEqualTo("invalid request: attachments[0].path: outside the session's working directory: ../secret.txt");
      assertThat(detail(server.post(messages, message("x", byPath("file", tmp.resolve("secret.txt").toString())))))
          .startsWith("invalid request: attachments[0].path: outside the session's working directory: ");
      assertThat(detail(server.post(messages, message("x", byPath("file", "link.txt")))))
          .isEqualTo("invalid request: attachments[0].path: outside the session's working directory: link.txt");
      assertThat(detail(server.post(messages, message("x", byPath("file", "notes.txt"), byPath("file", "missing.txt")))))
          .isEqualTo("invalid request: attachments[1].path: no such file in the session's working directory: missing.txt");
      assertThat(detail(server.post(messages, message("x", byPath("file", "shots")))))
          .isEqualTo("invalid request: attachments[0].path: not a regular file: shots");
      assertThat(detail(server.post(messages, message("x", byPath("image", "notes.txt")))))
          .isEqualTo("invalid request: attachments[0]: not a PNG, JPEG, GIF or WebP image");
      assertThat(detail(server.post(messages, message("x", byPath("image", "shots/a.png").put("mimeType", "image/jpeg")))))
          .isEqualTo("invalid request: attachments[0].mimeType: image/jpeg, but the content is image/png");
      assertThat(detail(server.post(messages, message("x", byPath("file", "big.txt")))))
          .isEqualTo("invalid request: attachments[0]: the attachments of a message hold at most 10 MiB");
      assertThat(detail(server.post(messages, message("x",
          TestServer.JSON.createObjectNode().put("type", "file").put("data", "not base64!")))))
          .startsWith("invalid request: attachments[0].data: not Base64");
      assertThat(detail(server.post(messages, message("x", byPath("file", "notes.txt").put("data", "aGk=")))))
          .isEqualTo("invalid request: attachments[0]: exactly one of `path` and `data` is required");
      assertThat(detail(server.post(messages, message("x", TestServer.JSON.createObjectNode().put("type", "file")))))
          .isEqualTo("invalid request: attachments[0]: exactly one of `path` and `data` is required");
      assertThat(detail(server.post(messages, message("x", byPath("audio", "notes.txt")))))
          .isEqualTo("invalid request: attachments[0].type: unknown variant `audio`, expected `image` or `file`");
      assertThat(detail(server.post(messages, message("x", byPath("file", "notes.txt").put("name", "n")))))
          .isEqualTo("invalid request: attachments[0]: `name` is for inline `data`; a file is named by its path");
      assertThat(detail(server.post(messages, message("x", byPath("file", "notes.txt").put("mimeType", "text")))))
          .isEqualTo("invalid request: attachments[0].mimeType: not a media type: text");
      // A body of the wrong shape is a 422, as every other field of a wrong type is.
      assertThat(TestServer.json(server.post(messages, "{\"message\":\"x\",\"attachments\":{}}")).get("detail").asText())
          .contains("attachments: expected an array of objects");
      assertThat(server.post(messages, "{\"message\":\"x\",\"attachments\":[\"notes.txt\"]}").statusCode()).isEqualTo(422);
      assertThat(TestServer.json(server.post(messages, "{\"message\":\"x\",\"attachments\":[{\"type\":\"file\",\"path\":7}]}"))
          .get("detail").asText()).contains("attachments[0].path: expected a string");
      // The agent's own refusal is a 400 too.
      assertThat(detail(server.post(messages, message("x", byPath("file", "data.bin")))))
          .isEqualTo("invalid request: viewer cannot take the attachment data.bin (application/octet-stream): "
              + "binary files are not for me");

      assertThat(RECEIVED.get("v2")).isNull();
      assertThat(server.get("/v1/sessions/v2/events").body()).doesNotContain("item.completed");
    }
  }

  @Test
  void anAgentWithoutTheCapabilityRefusesTheKindByName() throws Exception {
    try (TestServer server = start()) {
      server.createSession("s1");
      assertThat(detail(server.post("/v1/sessions/s1/messages", message("reply x", byPath("image", "shots/a.png")))))
          .isEqualTo("invalid request: agent script does not take images (shots/a.png)");
      assertThat(detail(server.post("/v1/sessions/s1/messages", message("reply x", byPath("file", "notes.txt")))))
          .isEqualTo("invalid request: agent script does not take file attachments (notes.txt)");
      assertThat(ScriptAdapter.RECEIVED.get("s1")).isNull();
      // Without attachments (or with an empty list) the agent's own send(String) is called.
      assertThat(server.post("/v1/sessions/s1/messages", "{\"message\":\"reply x\",\"attachments\":[]}").statusCode())
          .isEqualTo(204);
      assertThat(ScriptAdapter.RECEIVED.get("s1")).containsExactly("reply x");
    }
  }

  @Test
  void anIdempotencyKeyCoversTheAttachments() throws Exception {
    try (TestServer server = start()) {
      assertThat(server.post("/v1/sessions/v3", "{\"agent\":\"viewer\"}").statusCode()).isEqualTo(200);
      String first = message("Look.", byPath("file", "notes.txt"));
      assertThat(post(server, "v3", "k1", first).statusCode()).isEqualTo(204);
      assertThat(post(server, "v3", "k1", first).statusCode()).isEqualTo(204);
      assertThat(RECEIVED.get("v3")).hasSize(1);
      Files.writeString(work.resolve("notes.txt"), "changed\n");
      HttpResponse<String> changed = post(server, "v3", "k1", first);
      assertThat(changed.statusCode()).as(changed.body()).isEqualTo(422);
      assertThat(RECEIVED.get("v3")).hasSize(1);
    }
  }

  private static HttpResponse<String> post(TestServer server, String session, String key, String body) {
    return server.send(server.request("/v1/sessions/" + session + "/messages").header("Content-Type", "application/json")
        .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }
}
