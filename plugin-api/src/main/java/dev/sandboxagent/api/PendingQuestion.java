package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A question the agent asked and the client has not answered yet.
 *
 * @param questionId the id clients reply to
 * @param prompt the question
 * @param options the option labels
 * @param raw the native request that produced it, or null
 */
public record PendingQuestion(String questionId, String prompt, List<String> options, Object raw) {
  /** Validates and copies. */
  public PendingQuestion {
    requireNonNull(questionId, "questionId is null");
    requireNonNull(prompt, "prompt is null");
    options = List.copyOf(options);
  }
}
