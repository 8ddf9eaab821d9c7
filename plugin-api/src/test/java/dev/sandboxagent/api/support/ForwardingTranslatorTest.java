package dev.sandboxagent.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.EventData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingTranslatorTest {

  /** Records what reaches it and answers each call with an event naming it. */
  private static final class Recording implements EventTranslator {
    final List<String> calls = new ArrayList<>();

    private List<AgentEvent> answer(String call) {
      calls.add(call);
      return List.of(AgentEvent.of(new EventData.AgentUnparsed(call, "test")));
    }

    @Override
    public void started(AgentProcess process) {
      calls.add("started");
    }

    @Override
    public List<AgentEvent> translate(String line) {
      return answer("out " + line);
    }

    @Override
    public List<AgentEvent> translateStderr(String line) {
      return answer("err " + line);
    }

    @Override
    public List<AgentEvent> finish(ExitStatus status) {
      return answer("exit " + status.exitCode());
    }
  }

  @Test
  void forwardsEveryCallAndItsEvents() {
    Recording recording = new Recording();
    EventTranslator forwarding = new ForwardingTranslator(recording);
    forwarding.started(null);
    assertThat(forwarding.translate("a")).singleElement()
        .satisfies(e -> assertThat(((EventData.AgentUnparsed) e.data()).error()).isEqualTo("out a"));
    assertThat(forwarding.translateStderr("b")).hasSize(1);
    assertThat(forwarding.finish(new ExitStatus(3, null, ""))).hasSize(1);
    assertThat(recording.calls).containsExactly("started", "out a", "err b", "exit 3");
  }

  @Test
  void aWrapperOverridesOnlyWhatItAddsTo() {
    Recording recording = new Recording();
    List<String> seen = new ArrayList<>();
    EventTranslator wrapper = new ForwardingTranslator(recording) {
      @Override
      public List<AgentEvent> translate(String line) {
        seen.add(line);
        return super.translate(line);
      }
    };
    wrapper.translate("x");
    wrapper.finish(new ExitStatus(0, null, ""));
    assertThat(seen).containsExactly("x");
    assertThat(recording.calls).containsExactly("out x", "exit 0");
  }
}
