package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.event.Question;
import java.util.List;

/**
 * A question the agent asked and the client has not answered yet.
 *
 * @param questionId the id clients reply to
 * @param prompt the (first) question
 * @param options the (first) question's option labels
 * @param raw the native request that produced it, or null
 * @param questions every question of the request, in the order answers come (since 1.3)
 */
public record PendingQuestion(String questionId, String prompt, List<String> options, Object raw,
    List<Question> questions) {
  /** Validates and copies. */
  public PendingQuestion {
    requireNonNull(questionId, "questionId is null");
    requireNonNull(prompt, "prompt is null");
    options = List.copyOf(options);
    questions = questions == null || questions.isEmpty() ? List.of(Question.of(prompt, options))
        : List.copyOf(questions);
  }

  /** A pending single question {@code prompt}. */
  public PendingQuestion(String questionId, String prompt, List<String> options, Object raw) {
    this(questionId, prompt, options, raw, null);
  }
}
