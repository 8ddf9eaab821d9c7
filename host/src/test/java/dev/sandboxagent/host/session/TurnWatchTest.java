package dev.sandboxagent.host.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TurnWatchTest {

  private static final Duration DECLARED = Duration.ofSeconds(660);

  @Test
  void theEnvironmentOverridesAnAgentsIdleTimeoutInSeconds() {
    assertThat(TurnWatch.idleTimeoutVariable("my-agent")).isEqualTo("SANDBOX_AGENT_MY_AGENT_IDLE_TIMEOUT");
    assertThat(TurnWatch.idleTimeout("claude", DECLARED, Map.<String, String>of()::get)).isEqualTo(DECLARED);
    assertThat(TurnWatch.idleTimeout("claude", DECLARED, Map.of("SANDBOX_AGENT_CLAUDE_IDLE_TIMEOUT", "1.5")::get))
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(TurnWatch.idleTimeout("my-agent", DECLARED, Map.of("SANDBOX_AGENT_MY_AGENT_IDLE_TIMEOUT", " 30 ")::get))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aValueThatIsNoPositiveNumberOfSecondsKeepsTheAgentsOwn() {
    for (String value : List.of("soon", "", "0", "-5", "NaN", "1e12")) {
      assertThat(TurnWatch.idleTimeout("amp", Duration.ofSeconds(120), Map.of("SANDBOX_AGENT_AMP_IDLE_TIMEOUT", value)::get))
          .as(value).isEqualTo(Duration.ofSeconds(120));
    }
  }

  @Test
  void theTimeoutIsDescribedInSeconds() {
    assertThat(new TurnWatch(Duration.ofSeconds(660)).describeTimeout()).isEqualTo("660 s");
    assertThat(new TurnWatch(Duration.ofMillis(500)).describeTimeout()).isEqualTo("0.5 s");
  }

  @Test
  void aProcessThatExitsEndsOnlyTheTurnsItServed() {
    TurnWatch turns = new TurnWatch(null);
    AgentOutput first = new AgentOutput(null, line -> List.of());
    turns.opening(List.of());
    turns.started(first);
    turns.opening(List.of()); // queued for a process of its own: the first one's stdin is closed
    assertThat(turns.open()).isEqualTo(2);
    turns.recorded(1, first);
    assertThat(turns.release(first)).isZero();
    assertThat(turns.open()).isEqualTo(1);
    AgentOutput second = new AgentOutput(null, line -> List.of());
    turns.started(second);
    assertThat(turns.release(second)).isEqualTo(1);
    assertThat(turns.open()).isZero();
  }
}
