package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shared daemon with a tenants file, as shipped: the hash-token command, isolation, limits. */
class TenantsIT {

  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private Run launcher(String stdin, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString());
    pb.command().addAll(List.of(args));
    pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
  }

  private static String sha256(String token) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> call(Launcher d, String token, String method, String path, String json) {
    return d.send(HttpRequest.newBuilder(URI.create(d.base + path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build());
  }

  @Test
  void tenantsShareADaemonWithoutSeeingEachOther() throws Exception {
    Run hashed = launcher("acme-secret-token\n", "hash-token");
    assertThat(hashed.exit()).as(hashed.err()).isZero();
    assertThat(hashed.out()).isEqualTo(sha256("acme-secret-token") + "\n");
    assertThat(launcher("", "hash-token").exit()).isEqualTo(1);

    Path file = tmp.resolve("tenants.json");
    Files.writeString(file, """
        {"tenants": {
          "acme": {"tokens": ["%s"], "agents": ["mock"], "maxSessions": 1},
          "beta": {"tokens": ["%s"], "agents": ["mock", "claude"]}
        }}""".formatted(hashed.out().strip(), sha256("beta-token")));
    try (Launcher d = Launcher.start(tmp, "admin-token", List.of("--tenants", file.toString()), Map.of())) {
      assertThat(Files.readString(d.log)).contains("auth on, 2 tenants").doesNotContain("acme-secret-token");
      assertThat(Launcher.json(call(d, "acme-secret-token", "GET", "/v1/agents", null)).get("agents")
          .findValuesAsText("id")).containsExactly("mock");
      assertThat(call(d, "acme-secret-token", "POST", "/v1/sessions/s1", "{\"agent\":\"mock\"}").statusCode())
          .isEqualTo(200);
      assertThat(call(d, "acme-secret-token", "POST", "/v1/sessions/s1/messages", "{\"message\":\"hello\"}")
          .statusCode()).isEqualTo(204);
      HttpResponse<String> limited = call(d, "acme-secret-token", "POST", "/v1/sessions/s2", "{\"agent\":\"mock\"}");
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(call(d, "acme-secret-token", "POST", "/v1/sessions/s2", "{\"agent\":\"claude\"}").statusCode())
          .isEqualTo(403);

      assertThat(call(d, "beta-token", "GET", "/v1/sessions/s1/events", null).statusCode()).isEqualTo(404);
      assertThat(call(d, "admin-token", "GET", "/v1/sessions/s1/events", null).statusCode()).isEqualTo(404);
      JsonNode own = Launcher.json(call(d, "acme-secret-token", "GET", "/v1/sessions/s1/events", null));
      assertThat(own.get("events").size()).isGreaterThan(1);
      assertThat(Launcher.json(call(d, "beta-token", "GET", "/v1/sessions", null)).get("sessions")).isEmpty();
      assertThat(call(d, "wrong", "GET", "/v1/sessions", null).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aBrokenTenantsFileStopsTheStartWithItsReason() throws Exception {
    Path file = tmp.resolve("tenants.json");
    Files.writeString(file, "{\"tenants\": {\"acme\": {\"tokens\": [\"plain\"], \"agents\": [\"mock\"]}}}");
    Run run = launcher("", "server", "--port", "0", "--token", "x", "--tenants", file.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("tenants file " + file).contains("sha256:<64 lowercase hex digits>");
    Run noToken = launcher("", "server", "--port", "0", "--no-token", "--tenants", file.toString());
    assertThat(noToken.exit()).as("flags that do not go together").isEqualTo(2);
    assertThat(noToken.err()).contains("--no-token cannot be combined with a tenants file");
  }
}
