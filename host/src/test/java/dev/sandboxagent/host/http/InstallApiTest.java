package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.install.ArchiveLimits;
import dev.sandboxagent.host.install.InstallSettings;
import dev.sandboxagent.host.install.TestArchive;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Explicit and lazy installs through the HTTP API, with the failure surfaced as a problem body. */
@Timeout(60)
class InstallApiTest {

  @TempDir Path tmp;

  /** An agent with a program to install; its sessions do nothing. */
  static final class InstallableAdapter implements AgentAdapter {
    @Override
    public AgentDescriptor descriptor() {
      return AgentDescriptor.builder("fakeagent")
          .capabilities(Capability.TEXT_MESSAGES, Capability.ITEM_STARTED)
          .mode("build", "Build", "Build")
          .permissionModes(dev.sandboxagent.api.PermissionMode.DEFAULT)
          .binaryName("fakeagent")
          .build();
    }

    @Override
    public List<InstallSource> installSources(Platform platform) {
      return List.of(new InstallSource.Npm("@fake/agent", "@fake/agent-" + platform.id(), "bin/fakeagent"));
    }

    @Override
    public AgentSession open(SessionContext context) {
      return new AgentSession() {
        @Override
        public String nativeSessionId() {
          return null;
        }

        @Override
        public void send(String message) {}

        @Override
        public void close() {}
      };
    }
  }

  private TestServer server(Map<String, Path> archives) throws IOException {
    return server(archives, ArchiveLimits.DEFAULT);
  }

  private TestServer server(Map<String, Path> archives, ArchiveLimits limits) throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    // Nothing listens there: the npm source fails at once, as it does without a network.
    InstallSettings install = new InstallSettings(InstallSettings.DEFAULT_ORDER, archives, Map.of(),
        URI.create("http://127.0.0.1:" + deadPort + "/"), limits);
    HostConfig config = new HostConfig("127.0.0.1", 0, null, CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), tmp, install);
    return TestServer.start(config, List.of(new InstallableAdapter()));
  }

  @Test
  void failedInstallsAreProblemBodies() throws Exception {
    try (TestServer server = server(Map.of())) {
      HttpResponse<String> install = server.post("/v1/agents/fakeagent/install", "{}");
      assertThat(install.statusCode()).isEqualTo(500);
      JsonNode problem = TestServer.json(install);
      assertThat(problem.path("type").asText()).isEqualTo("urn:sandbox-agent:error:install_failed");
      assertThat(problem.path("detail").asText()).isEqualTo("install failed: fakeagent");
      assertThat(problem.path("details").path("stderr").asText()).startsWith("npm @fake/agent: download failed: http://127.0.0.1:");

      HttpResponse<String> create = server.post("/v1/sessions/s1", "{\"agent\":\"fakeagent\"}");
      assertThat(create.statusCode()).isEqualTo(500);
      assertThat(TestServer.json(create).path("type").asText()).isEqualTo("urn:sandbox-agent:error:install_failed");
      assertThat(TestServer.json(server.get("/v1/sessions")).path("sessions")).isEmpty();
      Exposition metrics = Exposition.parse(server.get("/metrics").body());
      assertThat(metrics.count("sandbox_agent_agent_install_failures_total", "agent", "fakeagent")).isEqualTo(2);
      assertThat(metrics.count("sandbox_agent_agent_install_duration_seconds_count", "agent", "fakeagent")).isZero();
    }
  }

  @Test
  void installReportsVersionAndPathWhenAskedAndSessionsInstallLazily() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("offline/package/bin"));
    Path program = dir.resolve("fakeagent");
    Files.writeString(program, "#!/bin/sh\necho 'fakeagent 3.1.4'\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(tmp.resolve("offline/package/package.json"), "{\"version\":\"3.1.4\"}");

    try (TestServer server = server(Map.of("fakeagent", tmp.resolve("offline")))) {
      HttpResponse<String> plain = server.post("/v1/agents/fakeagent/install", "{}");
      assertThat(plain.statusCode()).isEqualTo(204);
      assertThat(plain.body()).isEmpty();

      HttpResponse<String> described = server.send(server.request("/v1/agents/fakeagent/install")
          .header("Content-Type", "application/json").header("Prefer", "return=representation")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"reinstall\":true}")).build());
      assertThat(described.statusCode()).isEqualTo(200);
      assertThat(described.headers().firstValue("Preference-Applied")).hasValue("return=representation");
      JsonNode body = TestServer.json(described);
      assertThat(body.path("downloaded").asBoolean()).isTrue();
      assertThat(body.path("version").asText()).isEqualTo("3.1.4");
      assertThat(body.path("path").asText()).isEqualTo(tmp.resolve("install/fakeagent").toString());
      assertThat(body.path("source").asText()).isEqualTo("local " + tmp.resolve("offline"));

      JsonNode agent = TestServer.json(server.get("/v1/agents")).path("agents").get(0);
      assertThat(agent.path("installed").asBoolean()).isTrue();
      assertThat(agent.path("version").asText()).isEqualTo("fakeagent 3.1.4");
      assertThat(agent.path("path").asText()).isEqualTo(tmp.resolve("install/fakeagent").toString());

      assertThat(server.post("/v1/sessions/s1", "{\"agent\":\"fakeagent\"}").statusCode()).isEqualTo(200);
      // two installs that installed something; the session found the agent installed
      Exposition metrics = Exposition.parse(server.get("/metrics").body());
      assertThat(metrics.count("sandbox_agent_agent_install_duration_seconds_count", "agent", "fakeagent"))
          .isEqualTo(2);
      assertThat(metrics.count("sandbox_agent_agent_install_duration_seconds_sum", "agent", "fakeagent"))
          .isPositive();
      assertThat(metrics.count("sandbox_agent_agent_install_failures_total", "agent", "fakeagent")).isZero();
    }
  }

  @Test
  void sessionCreationInstallsAMissingAgent() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("offline2/bin"));
    Files.writeString(dir.resolve("fakeagent"), "#!/bin/sh\necho 'fakeagent 0.0.1'\n");
    try (TestServer server = server(Map.of("fakeagent", tmp.resolve("offline2")))) {
      assertThat(TestServer.json(server.get("/v1/agents")).path("agents").get(0).path("installed").asBoolean()).isFalse();
      assertThat(server.post("/v1/sessions/lazy", "{\"agent\":\"fakeagent\"}").statusCode()).isEqualTo(200);
      assertThat(Files.isExecutable(tmp.resolve("install/fakeagent"))).isTrue();
    }
  }

  /**
   * A tar.gz with a working program and, before it, {@code a0 -> .}, {@code a1 -> a0/..} … {@code a5 -> a4/..}
   * and a directory {@code a5/ESCAPED/}: from the install's staging directory, a5 is {@code tmp} itself.
   */
  /** The link chain {@code a0 -> .} … {@code a5 -> a4/..}, then a directory {@code a5/ESCAPED/} and the program. */
  private Path chainArchive() throws IOException {
    List<TestArchive.Entry> entries = new ArrayList<>(TestArchive.linkChain(6));
    entries.add(TestArchive.Entry.dir("a5/ESCAPED/"));
    entries.add(TestArchive.Entry.file("package/bin/fakeagent", "#!/bin/sh\necho 'fakeagent 6.6.6'\n"));
    return TestArchive.write(tmp, "chain", TestArchive.Format.TAR_GZ, entries);
  }

  @Test
  void anArchiveWhoseLinkChainLeadsOutIsAnInstallFailureThatCreatesNothingOutside() throws Exception {
    try (TestServer server = server(Map.of("fakeagent", chainArchive()))) {
      HttpResponse<String> install = server.post("/v1/agents/fakeagent/install", "{}");
      assertThat(install.statusCode()).isEqualTo(500);
      JsonNode problem = TestServer.json(install);
      assertThat(problem.path("type").asText()).isEqualTo("urn:sandbox-agent:error:install_failed");
      assertThat(problem.path("details").path("stderr").asText())
          .contains("local " + tmp.resolve("chain.tar.gz") + ": symbolic link a1 points outside the target: a0/..");
    }
    assertThat(tmp.resolve("ESCAPED")).doesNotExist();
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all.filter(p -> p.getFileName().toString().equals("ESCAPED"))).isEmpty();
    }
    assertThat(tmp.resolve("install/fakeagent")).doesNotExist();
  }

  @Test
  void archiveLimitsFromTheSettingsStopAnInstall() throws Exception {
    Path archive = TestArchive.write(tmp, "big", TestArchive.Format.TAR_GZ,
        List.of(TestArchive.Entry.file("package/bin/fakeagent", "#!/bin/sh\n" + "#".repeat(4096) + "\n")));
    try (TestServer server = server(Map.of("fakeagent", archive), new ArchiveLimits(1024, 10))) {
      HttpResponse<String> install = server.post("/v1/agents/fakeagent/install", "{}");
      assertThat(install.statusCode()).isEqualTo(500);
      assertThat(TestServer.json(install).path("details").path("stderr").asText())
          .contains("archive expands to more than 1024 bytes (--max-archive-size)");
    }
    assertThat(tmp.resolve("install/fakeagent")).doesNotExist();
  }
}
