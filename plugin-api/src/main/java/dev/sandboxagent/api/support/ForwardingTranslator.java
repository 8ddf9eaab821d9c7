package dev.sandboxagent.api.support;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import java.util.List;

/**
 * A translator that hands everything to another one: the base of a session's wrapper that looks at
 * the agent's lines on their way (to remember a request the agent awaits an answer to, or to spot a
 * login prompt) and overrides only what it adds to. Keeps the wrapped translator pure.
 *
 * @since 1.1
 */
public class ForwardingTranslator implements EventTranslator {

  private final EventTranslator delegate;

  /** Forwards to {@code delegate}. */
  public ForwardingTranslator(EventTranslator delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  /** The translator this one forwards to. */
  protected EventTranslator delegate() {
    return delegate;
  }

  @Override
  public void started(AgentProcess process) {
    delegate.started(process);
  }

  @Override
  public List<AgentEvent> translate(String line) {
    return delegate.translate(line);
  }

  @Override
  public List<AgentEvent> translateStderr(String line) {
    return delegate.translateStderr(line);
  }

  @Override
  public List<AgentEvent> finish(ExitStatus status) {
    return delegate.finish(status);
  }
}
