package dev.sandboxagent.api.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The payload of an event. There is one record per {@link EventType}, so the type of an event is
 * always {@link #type()} of its data; events that share a wire shape ({@code item.started} and
 * {@code item.completed}, for instance) still have distinct records.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public sealed interface EventData {

  /** Returns the event type this payload belongs to. */
  EventType type();

  /** {@code session.started}: {@code metadata} is any JSON value or null. */
  record SessionStarted(Object metadata) implements EventData {
    @Override
    public EventType type() {
      return EventType.SESSION_STARTED;
    }
  }

  /** {@code session.ended}. */
  @JsonPropertyOrder({"reason", "terminated_by"})
  record SessionEnded(SessionEndReason reason, @JsonProperty("terminated_by") TerminatedBy terminatedBy)
      implements EventData {
    /** Validates the payload. */
    public SessionEnded {
      requireNonNull(reason, "reason is null");
      requireNonNull(terminatedBy, "terminatedBy is null");
    }

    @Override
    public EventType type() {
      return EventType.SESSION_ENDED;
    }
  }

  /** {@code item.started}: the first snapshot of an item. */
  record ItemStarted(UniversalItem item) implements EventData {
    /** Validates the payload. */
    public ItemStarted {
      requireNonNull(item, "item is null");
    }

    @Override
    public EventType type() {
      return EventType.ITEM_STARTED;
    }
  }

  /** {@code item.completed}: the final snapshot of an item. */
  record ItemCompleted(UniversalItem item) implements EventData {
    /** Validates the payload. */
    public ItemCompleted {
      requireNonNull(item, "item is null");
    }

    @Override
    public EventType type() {
      return EventType.ITEM_COMPLETED;
    }
  }

  /**
   * {@code item.delta}: text to append to an item. {@code itemId} may be {@code ""} for the host to
   * resolve from {@code nativeItemId}.
   */
  @JsonPropertyOrder({"item_id", "native_item_id", "delta"})
  record ItemDelta(
      @JsonProperty("item_id") String itemId,
      @JsonProperty("native_item_id") String nativeItemId,
      String delta)
      implements EventData {
    /** Validates the payload. */
    public ItemDelta {
      requireNonNull(itemId, "itemId is null");
      requireNonNull(delta, "delta is null");
    }

    /** A delta for the item with this native id, daemon id to be assigned by the host. */
    public static ItemDelta ofNative(String nativeItemId, String delta) {
      return new ItemDelta("", nativeItemId, delta);
    }

    @Override
    public EventType type() {
      return EventType.ITEM_DELTA;
    }
  }

  /** {@code error}: {@code code} and {@code details} may be null. */
  @JsonPropertyOrder({"message", "code", "details"})
  record Error(String message, String code, Object details) implements EventData {
    /** Validates the payload. */
    public Error {
      requireNonNull(message, "message is null");
    }

    @Override
    public EventType type() {
      return EventType.ERROR;
    }
  }

  /** {@code permission.requested}; {@code status} is always {@code requested}. */
  @JsonPropertyOrder({"permission_id", "action", "status", "metadata"})
  record PermissionRequested(
      @JsonProperty("permission_id") String permissionId,
      String action,
      PermissionStatus status,
      Object metadata)
      implements EventData {
    /** Validates the payload. */
    public PermissionRequested {
      requireNonNull(permissionId, "permissionId is null");
      requireNonNull(action, "action is null");
      if (status != PermissionStatus.REQUESTED) {
        throw new IllegalArgumentException("status must be requested");
      }
    }

    /** Creates a request. */
    public PermissionRequested(String permissionId, String action, Object metadata) {
      this(permissionId, action, PermissionStatus.REQUESTED, metadata);
    }

    @Override
    public EventType type() {
      return EventType.PERMISSION_REQUESTED;
    }
  }

  /** {@code permission.resolved}; {@code status} is {@code approved} or {@code denied}. */
  @JsonPropertyOrder({"permission_id", "action", "status", "metadata"})
  record PermissionResolved(
      @JsonProperty("permission_id") String permissionId,
      String action,
      PermissionStatus status,
      Object metadata)
      implements EventData {
    /** Validates the payload. */
    public PermissionResolved {
      requireNonNull(permissionId, "permissionId is null");
      requireNonNull(action, "action is null");
      if (status == null || status == PermissionStatus.REQUESTED) {
        throw new IllegalArgumentException("status must be approved or denied");
      }
    }

    @Override
    public EventType type() {
      return EventType.PERMISSION_RESOLVED;
    }
  }

  /**
   * {@code question.requested}: {@code prompt} and {@code options} are the first question's (what
   * the reference's clients read); {@code questions} (an addition, since 1.3) holds every question
   * of the request, one made of {@code prompt} and {@code options} when none is given.
   */
  @JsonPropertyOrder({"question_id", "prompt", "options", "questions", "response", "status"})
  record QuestionRequested(
      @JsonProperty("question_id") String questionId,
      String prompt,
      List<String> options,
      String response,
      QuestionStatus status,
      List<Question> questions)
      implements EventData {
    /** Validates and copies. */
    public QuestionRequested {
      requireNonNull(questionId, "questionId is null");
      requireNonNull(prompt, "prompt is null");
      options = List.copyOf(options);
      questions = questions == null || questions.isEmpty() ? List.of(Question.of(prompt, options))
          : List.copyOf(questions);
      if (status != QuestionStatus.REQUESTED) {
        throw new IllegalArgumentException("status must be requested");
      }
    }

    /** A pending request of the single question {@code prompt}. */
    public QuestionRequested(String questionId, String prompt, List<String> options, String response,
        QuestionStatus status) {
      this(questionId, prompt, options, response, status, null);
    }

    /** Creates a pending question. */
    public QuestionRequested(String questionId, String prompt, List<String> options) {
      this(questionId, prompt, options, null, QuestionStatus.REQUESTED);
    }

    /**
     * A pending request of every question of {@code questions} (at least one).
     *
     * @since 1.3
     */
    public static QuestionRequested of(String questionId, List<Question> questions) {
      if (questions.isEmpty()) {
        throw new IllegalArgumentException("questions is empty");
      }
      Question first = questions.get(0);
      return new QuestionRequested(questionId, first.prompt(), first.labels(), null, QuestionStatus.REQUESTED,
          questions);
    }

    @Override
    public EventType type() {
      return EventType.QUESTION_REQUESTED;
    }
  }

  /**
   * {@code question.resolved}; {@code status} is {@code answered} or {@code rejected}. {@code
   * response} is the first answer to the first question (the reference's field); {@code questions}
   * and {@code answers} (additions, since 1.3) hold every question and, when answered, the chosen
   * labels per question in order.
   */
  @JsonPropertyOrder({"question_id", "prompt", "options", "questions", "response", "answers", "status"})
  record QuestionResolved(
      @JsonProperty("question_id") String questionId,
      String prompt,
      List<String> options,
      String response,
      QuestionStatus status,
      List<Question> questions,
      List<List<String>> answers)
      implements EventData {
    /** Validates and copies. */
    public QuestionResolved {
      requireNonNull(questionId, "questionId is null");
      requireNonNull(prompt, "prompt is null");
      options = List.copyOf(options);
      questions = questions == null || questions.isEmpty() ? List.of(Question.of(prompt, options))
          : List.copyOf(questions);
      if (status == null || status == QuestionStatus.REQUESTED) {
        throw new IllegalArgumentException("status must be answered or rejected");
      }
      if (status == QuestionStatus.REJECTED) {
        answers = null;
      } else if (answers == null) {
        answers = response == null ? List.of() : List.of(List.of(response));
      } else {
        answers = answers.stream().map(List::copyOf).toList();
      }
    }

    /** A resolution of the single question {@code prompt}. */
    public QuestionResolved(String questionId, String prompt, List<String> options, String response,
        QuestionStatus status) {
      this(questionId, prompt, options, response, status, null, null);
    }

    @Override
    public EventType type() {
      return EventType.QUESTION_RESOLVED;
    }
  }

  /** {@code agent.unparsed}: native output that could not be understood. */
  @JsonPropertyOrder({"error", "location", "raw_hash"})
  record AgentUnparsed(String error, String location, @JsonProperty("raw_hash") String rawHash)
      implements EventData {
    /** Validates the payload. */
    public AgentUnparsed {
      requireNonNull(error, "error is null");
      requireNonNull(location, "location is null");
    }

    /** Creates the payload with no hash (as every producer of this version does). */
    public AgentUnparsed(String error, String location) {
      this(error, location, null);
    }

    @Override
    public EventType type() {
      return EventType.AGENT_UNPARSED;
    }
  }
}
