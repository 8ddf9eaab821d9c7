package dev.sandboxagent.api.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One question of a request an agent makes of the user (Claude's {@code AskUserQuestion} may ask
 * several at once), as carried in the {@code questions} of {@code question.requested} and {@code
 * question.resolved}.
 *
 * @param header a short label for the question, or null
 * @param prompt the question
 * @param options the choices offered, in order; empty for a free answer
 * @param multiSelect whether several options may be chosen
 * @since 1.3
 */
@JsonPropertyOrder({"header", "prompt", "options", "multi_select"})
public record Question(
    @JsonInclude(JsonInclude.Include.NON_NULL) String header,
    String prompt,
    List<Option> options,
    @JsonProperty("multi_select") boolean multiSelect) {

  /** Validates and copies. */
  public Question {
    requireNonNull(prompt, "prompt is null");
    options = options == null ? List.of() : List.copyOf(options);
  }

  /** A single-choice question without header or option descriptions. */
  public static Question of(String prompt, List<String> labels) {
    return new Question(null, prompt, labels.stream().map(label -> new Option(label, null)).toList(), false);
  }

  /** The options' labels, in order. */
  public List<String> labels() {
    return options.stream().map(Option::label).toList();
  }

  /**
   * One choice.
   *
   * @param label what is shown and answered
   * @param description what choosing it means, or null
   */
  @JsonPropertyOrder({"label", "description"})
  public record Option(String label, @JsonInclude(JsonInclude.Include.NON_NULL) String description) {
    /** Validates. */
    public Option {
      requireNonNull(label, "label is null");
    }
  }
}
