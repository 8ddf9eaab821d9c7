package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.EventSink;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each sharing scope (tenant) gets its own Codex home in its state directory; only the daemon's own
 * receives the user's login; a home the user set is used as it is.
 */
class CodexHomeTest {

  @TempDir Path tmp;

  private SessionContext context(String scope) {
    return context(scope, "");
  }

  private SessionContext context(String scope, String codexHome) {
    Map<String, String> env = Map.of("HOME", tmp.resolve("home").toString(), "CODEX_HOME", codexHome);
    return new SessionContext() {
      @Override public String sessionId() { return "s"; }
      @Override public String agentMode() { return "build"; }
      @Override public PermissionMode permissionMode() { return PermissionMode.DEFAULT; }
      @Override public String model() { return null; }
      @Override public String variant() { return null; }
      @Override public EventSink events() { return batch -> { }; }
      @Override public void runInBackground(String name, Runnable task) { }
      @Override public AgentProcess startProcess(ProcessSpec spec, ProcessListener listener) {
        throw new UnsupportedOperationException();
      }
      @Override public AgentProcess startSharedProcess(ProcessSpec spec, ProcessListener listener) {
        throw new UnsupportedOperationException();
      }
      @Override public Path binary() { return null; }
      @Override public Path workingDirectory() { return tmp; }
      @Override public Map<String, String> environment() { return env; }
      @Override public Clock clock() { return Clock.systemUTC(); }
      @Override public System.Logger logger() { return System.getLogger("test"); }
      @Override public String sharingScope() { return scope; }
      @Override public Path stateDirectory() { return tmp.resolve("state").resolve(scope.isEmpty() ? "_default" : scope); }
    };
  }

  @Test
  void tenantsGetTheirOwnHomeWithoutTheUsersLogin() throws Exception {
    Files.createDirectories(tmp.resolve("home/.codex"));
    Files.writeString(tmp.resolve("home/.codex/auth.json"), "{\"OPENAI_API_KEY\":\"users-own\"}");

    Path own = CodexServer.codexHome(context(""));
    Path acme = CodexServer.codexHome(context("acme"));
    Path beta = CodexServer.codexHome(context("beta"));

    assertThat(own).isEqualTo(tmp.resolve("state/_default/codex-home"));
    assertThat(own.resolve("auth.json")).hasContent("{\"OPENAI_API_KEY\":\"users-own\"}");
    assertThat(acme).isEqualTo(tmp.resolve("state/acme/codex-home"));
    assertThat(beta).isNotEqualTo(acme);
    for (Path tenant : new Path[] {acme, beta}) {
      assertThat(tenant.resolve("config.toml")).isRegularFile();
      assertThat(tenant.resolve("auth.json")).doesNotExist();
    }
  }

  @Test
  void aHomeTheUserSetIsUsedAsItIs() {
    Path users = tmp.resolve("users-codex");

    assertThat(CodexServer.codexHome(context("", users.toString()))).isEqualTo(users);
    assertThat(users).doesNotExist();
  }
}
