package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogSettingsTest {

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverTheDefaults() {
    assertThat(LogSettings.of(null, null, Map.of())).isEqualTo(LogSettings.DEFAULT);
    Map<String, String> env = Map.of("SANDBOX_AGENT_LOG_LEVEL", "warn", "SANDBOX_AGENT_LOG_FORMAT", "json");
    assertThat(LogSettings.of(null, null, env)).isEqualTo(new LogSettings(Level.WARNING, true));
    assertThat(LogSettings.of("TRACE", "text", env)).isEqualTo(new LogSettings(Level.FINEST, false));
    assertThat(LogSettings.of("debug", null, Map.of())).isEqualTo(new LogSettings(Level.FINE, false));
    assertThat(LogSettings.of("error", null, Map.of()).level()).isEqualTo(Level.SEVERE);
  }

  @Test
  void theAccessLogIsOnWithTheFlagOrTheVariableAndOffByDefault() {
    assertThat(LogSettings.of(null, null, false, Map.of()).accessLog()).isFalse();
    assertThat(LogSettings.of(null, null, true, Map.of()).accessLog()).isTrue();
    assertThat(LogSettings.of(null, null, false, Map.of("SANDBOX_AGENT_ACCESS_LOG", "1")).accessLog()).isTrue();
    assertThat(LogSettings.of(null, null, false, Map.of("SANDBOX_AGENT_ACCESS_LOG", "true")).accessLog()).isTrue();
    assertThat(LogSettings.of(null, null, false, Map.of("SANDBOX_AGENT_ACCESS_LOG", "off")).accessLog()).isFalse();
    assertThatThrownBy(() -> LogSettings.of(null, null, false, Map.of("SANDBOX_AGENT_ACCESS_LOG", "loud")))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("'SANDBOX_AGENT_ACCESS_LOG'");
  }

  @Test
  void aBadFlagIsAUsageErrorAndABadVariableAnError() {
    assertThatThrownBy(() -> LogSettings.of("loud", null, Map.of())).isInstanceOf(UsageException.class)
        .hasMessage("invalid value 'loud' for '--log-level': expected error, warn, info, debug or trace");
    assertThatThrownBy(() -> LogSettings.of(null, "xml", Map.of())).isInstanceOf(UsageException.class)
        .hasMessage("invalid value 'xml' for '--log-format': expected text or json");
    assertThatThrownBy(() -> LogSettings.of(null, null, Map.of("SANDBOX_AGENT_LOG_FORMAT", "yaml")))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("'SANDBOX_AGENT_LOG_FORMAT'");
  }

  @Test
  void jsonLinesCarryTimeLevelLoggerMessageAndTheFailure() throws Exception {
    LogSettings.JsonFormatter formatter = new LogSettings.JsonFormatter();
    LogRecord record = new LogRecord(Level.WARNING, "agent {0} failed");
    record.setParameters(new Object[] {"codex"});
    record.setLoggerName("dev.sandboxagent.test");
    record.setInstant(Instant.parse("2026-01-02T03:04:05.678Z"));
    record.setThrown(new IllegalStateException("boom \"quoted\"\nsecond line"));

    String line = formatter.format(record);
    assertThat(line).endsWith(System.lineSeparator()).doesNotContain("\n" + "\tat").hasLineCount(1);
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("time").asText()).isEqualTo("2026-01-02T03:04:05.678Z");
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("logger").asText()).isEqualTo("dev.sandboxagent.test");
    assertThat(json.get("message").asText()).isEqualTo("agent codex failed");
    assertThat(json.get("error").asText()).startsWith("java.lang.IllegalStateException: boom \"quoted\"\nsecond line")
        .contains("at dev.sandboxagent.host.cli.LogSettingsTest");

    record.setLevel(Level.FINER);
    record.setThrown(null);
    JsonNode fine = new ObjectMapper().readTree(formatter.format(record));
    assertThat(fine.get("level").asText()).isEqualTo("TRACE");
    assertThat(fine.has("error")).isFalse();
  }
}
