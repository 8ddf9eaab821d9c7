package dev.sandboxagent.api.support;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.Question;
import dev.sandboxagent.api.event.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * The base of a translator for an agent that writes one JSON object per line: a subclass says what
 * one record yields, and this class does the rest the same way for every agent.
 *
 * <ul>
 *   <li>blank lines yield nothing; a line that is not JSON, or not a JSON object, becomes {@code
 *       agent.unparsed} carrying the line, and so does a record whose translation throws (carrying
 *       the record), so a translator never fails on bad input;
 *   <li>every event a record yields carries the record as its raw form, unless it set one itself;
 *   <li>every event carries the agent's own session id once {@link #nativeSessionId(String)} has
 *       been told it.
 * </ul>
 *
 * @since 1.2
 */
public abstract class JsonLineTranslator implements EventTranslator {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String location;
  private String nativeSessionId;

  /**
   * A translator whose {@code agent.unparsed} events name {@code location} (the agent's name, or
   * the stream it writes) as where the line came from.
   */
  protected JsonLineTranslator(String location) {
    this.location = requireNonNull(location, "location is null");
  }

  @Override
  public final List<AgentEvent> translate(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return List.of();
    }
    JsonNode record;
    try {
      record = JSON.readTree(trimmed);
    } catch (JsonProcessingException e) {
      return stamp(List.of(unparsed("invalid JSON: " + e.getOriginalMessage(), trimmed)), null);
    }
    if (record == null || !record.isObject()) {
      return stamp(List.of(unparsed("not a JSON object", trimmed)), null);
    }
    List<AgentEvent> out = new ArrayList<>();
    try {
      translate(record, out);
    } catch (RuntimeException e) {
      return stamp(List.of(unparsed("cannot translate: " + e, record)), null);
    }
    return stamp(out, record);
  }

  /**
   * Adds what one record yields to {@code out}, in order. May throw for a record it cannot make
   * sense of: the record then becomes {@code agent.unparsed}, and what was added is dropped.
   *
   * @param record a JSON object
   */
  protected abstract void translate(JsonNode record, List<AgentEvent> out);

  @Override
  public final List<AgentEvent> finish(ExitStatus status) {
    List<AgentEvent> out = new ArrayList<>();
    finish(status, out);
    return stamp(out, null);
  }

  /**
   * Adds what closes the stream to {@code out}: items still open, and an error for a process that
   * failed (see {@link AgentEvent#processExit}). The default adds nothing.
   */
  protected void finish(ExitStatus status, List<AgentEvent> out) {}

  /** The agent's own session id as announced so far, or null. */
  protected final String nativeSessionId() {
    return nativeSessionId;
  }

  /** Records the agent's own session id: every event from now on carries it. */
  protected final void nativeSessionId(String id) {
    this.nativeSessionId = id;
  }

  /** An {@code agent.unparsed} event with {@code error}, carrying {@code raw} (a record or a line). */
  protected final AgentEvent unparsed(String error, Object raw) {
    return AgentEvent.synthetic(new EventData.AgentUnparsed(error, location)).withRaw(raw);
  }

  private List<AgentEvent> stamp(List<AgentEvent> events, JsonNode raw) {
    if (events.isEmpty()) {
      return List.of();
    }
    List<AgentEvent> out = new ArrayList<>(events.size());
    for (AgentEvent e : events) {
      AgentEvent stamped = nativeSessionId != null ? e.withNativeSessionId(nativeSessionId) : e;
      out.add(raw != null && stamped.raw() == null ? stamped.withRaw(raw) : stamped);
    }
    return out;
  }

  /**
   * A question in the shape Claude Code's {@code AskUserQuestion} and OpenCode's question tool
   * share: {@code question} (or {@code prompt}), {@code header}, {@code options} as objects with
   * {@code label} and {@code description} (or as plain strings), and {@code multiSelect} (or {@code
   * multiple}).
   *
   * @since 1.3
   */
  protected static Question question(JsonNode question) {
    List<Question.Option> options = new ArrayList<>();
    question.path("options").forEach(o -> options.add(o.isTextual() ? new Question.Option(o.asText(), null)
        : new Question.Option(o.path("label").asText(""), textOrNull(o.path("description")))));
    return new Question(textOrNull(question.path("header")),
        question.path("question").asText(question.path("prompt").asText("")), options,
        question.path("multiSelect").asBoolean(question.path("multiple").asBoolean(false)));
  }

  private static String textOrNull(JsonNode node) {
    return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
  }

  /**
   * A usage figure of a native record: the number at {@code field} of {@code node}, or null when it
   * is absent or not a number.
   *
   * @since 1.3
   */
  protected static Long count(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isNumber() ? value.asLong() : null;
  }

  /**
   * The usage of an Anthropic-style record (Claude Code's and Amp's {@code result}): {@code usage}
   * with {@code input_tokens}, {@code output_tokens}, {@code cache_read_input_tokens} and {@code
   * cache_creation_input_tokens}, beside {@code total_cost_usd} and {@code duration_ms}.
   *
   * @since 1.3
   */
  protected static Usage anthropicUsage(JsonNode result) {
    JsonNode usage = result.path("usage");
    JsonNode cost = result.path("total_cost_usd");
    return new Usage(count(usage, "input_tokens"), count(usage, "output_tokens"),
        count(usage, "cache_read_input_tokens"), count(usage, "cache_creation_input_tokens"),
        cost.isNumber() ? cost.asDouble() : null, count(result, "duration_ms"));
  }
}
