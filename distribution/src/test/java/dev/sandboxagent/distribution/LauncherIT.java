package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's process lifecycle: refusing bad command lines, and a clean stop with streams open. */
@Timeout(120)
class LauncherIT {

  @TempDir Path work;

  private int runToExit(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString());
    pb.command().addAll(java.util.List.of(args));
    pb.redirectErrorStream(true).redirectOutput(work.resolve("out.log").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @Test
  void refusesToStartWithoutATokenDecision() throws Exception {
    assertThat(runToExit("server", "--port", "0")).isEqualTo(1);
    assertThat(Files.readString(work.resolve("out.log"))).contains("missing --token or --no-token for server mode");
    assertThat(runToExit("server", "--no-token", "--port", "notaport")).isEqualTo(2);
    assertThat(runToExit("server", "--no-token", "--cors-allow-credentials")).isEqualTo(1);
    assertThat(runToExit()).isEqualTo(1);
    assertThat(runToExit("--bogus")).isEqualTo(2);
  }

  @Test
  void stopsPromptlyOnSigtermWithAnOpenStreamAndLeavesNoProcess() throws Exception {
    Launcher daemon = Launcher.start(work, "t0k3n");
    assertThat(daemon.post("/v1/sessions/live", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
    daemon.post("/v1/sessions/live/messages", "{\"message\":\"demo\"}");
    HttpResponse<InputStream> sse = daemon.http.send(daemon.request("/v1/sessions/live/events/sse").GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(sse.statusCode()).isEqualTo(200);
    assertThat(sse.body().read()).isNotEqualTo(-1);
    long pid = daemon.process.pid();
    long start = System.nanoTime();
    int exit = daemon.stop();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(exit).isZero();
    assertThat(millis).as("shutdown time in ms").isLessThan(15_000);
    assertThat(ProcessHandle.of(pid)).isEmpty();
    sse.body().close();
  }
}
