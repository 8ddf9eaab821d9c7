package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Terminate in the middle of a real agent's turn, checked from outside: through {@code /proc} (by
 * {@link MarkedProcesses}) and through what the fake model server receives (by {@link RequestLog}).
 */
final class LiveTerminate {

  /** How long a stopped process may take to go (the host's grace period, with room to spare). */
  static final Duration GONE_WITHIN = Duration.ofSeconds(10);
  /** How long after terminate the model server is watched for requests. */
  static final Duration QUIET_FOR = Duration.ofSeconds(10);
  private static final Duration TURN_TIMEOUT = Duration.ofSeconds(60);

  private LiveTerminate() {}

  /**
   * Creates {@code session} with {@code body}, asks the agent to run {@link ScriptedPrompts#SLEEP},
   * terminates the session once the command runs, then asserts that the command is gone within
   * {@link #GONE_WITHIN}, that the model hears nothing for {@link #QUIET_FOR}, and that
   * {@code session.ended} stays the session's last event.
   */
  static void terminateWhileTheCommandRuns(Launcher daemon, MarkedProcesses marked, RequestLog model, String agent,
      String session, String body) throws Exception {
    assertThat(daemon.post("/v1/sessions/" + session, body).statusCode()).isEqualTo(200);
    long sent = System.nanoTime();
    assertThat(daemon.post("/v1/sessions/" + session + "/messages",
        "{\"message\":\"" + ScriptedPrompts.SLEEP + "\"}").statusCode()).isEqualTo(204);
    try {
      marked.awaitRunning(LiveTerminate::isSleep, TURN_TIMEOUT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; events: " + daemon.events(session), e);
    }
    long terminated = System.nanoTime();
    assertThat(daemon.post("/v1/sessions/" + session + "/terminate", "").statusCode()).isEqualTo(204);

    List<MarkedProcesses.Proc> left = MarkedProcesses.awaitNone(() -> marked.running(LiveTerminate::isSleep),
        GONE_WITHIN);
    double gone = (System.nanoTime() - terminated) / 1e9;
    assertThat(left).as(() -> agent + ": the command still runs " + GONE_WITHIN.toSeconds() + " s after terminate:"
        + MarkedProcesses.ancestry(left) + "\ndaemon log:\n" + daemon.logTail(40)).isEmpty();

    assertQuietAfter(model, terminated, agent + ": requests to the model after terminate");
    assertEndedLast(daemon, session);
    System.out.printf(Locale.ROOT, "LIVE %s terminate: command running %.2f s after the message, gone %.2f s after "
        + "terminate; no model request in the %d s after%n", agent, (terminated - sent) / 1e9, gone,
        QUIET_FOR.toSeconds());
  }

  /**
   * Waits until {@link #QUIET_FOR} has passed since {@code terminated} (a {@link System#nanoTime()}
   * value), then asserts that {@code log} holds no request after it.
   */
  static void assertQuietAfter(RequestLog log, long terminated, String description) throws InterruptedException {
    long quietUntil = terminated + QUIET_FOR.toNanos();
    while (System.nanoTime() - quietUntil < 0) {
      Thread.sleep(Math.max(1, (quietUntil - System.nanoTime()) / 1_000_000));
    }
    assertThat(log.after(terminated)).as(description).isEmpty();
  }

  /** Asserts that {@code session.ended} is the session's last event. */
  static void assertEndedLast(Launcher daemon, String session) {
    JsonNode events = daemon.events(session);
    assertThat(events.get(events.size() - 1).get("type").asText()).as("last event of %s", events)
        .isEqualTo("session.ended");
  }

  /** Asserts that no process of a stopped daemon is left. */
  static void assertNothingLeft(MarkedProcesses marked) throws Exception {
    assertThat(MarkedProcesses.awaitNone(() -> marked.running(cmd -> true), GONE_WITHIN))
        .as("processes left after the daemon stopped").isEmpty();
  }

  /** The scripted command's process, or a shell running it. */
  static boolean isSleep(String command) {
    return command.contains(ScriptedPrompts.SLEEP_PROCESS);
  }
}
