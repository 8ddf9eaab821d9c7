package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What a turn cost, as the agent reports it: on the status item that ends a turn, and summed per
 * session in the session listing. Each figure is null when the agent does not report it.
 *
 * @param inputTokens input tokens not read from the prompt cache
 * @param outputTokens output tokens (reasoning included)
 * @param cacheReadTokens input tokens read from the prompt cache
 * @param cacheWriteTokens input tokens written to the prompt cache
 * @param costUsd the cost in US dollars
 * @param durationMs how long the turn took, in milliseconds
 * @since 1.3
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd", "duration_ms"})
public record Usage(
    @JsonProperty("input_tokens") Long inputTokens,
    @JsonProperty("output_tokens") Long outputTokens,
    @JsonProperty("cache_read_tokens") Long cacheReadTokens,
    @JsonProperty("cache_write_tokens") Long cacheWriteTokens,
    @JsonProperty("cost_usd") Double costUsd,
    @JsonProperty("duration_ms") Long durationMs) {

  /** Nothing reported. */
  public static final Usage NONE = new Usage(null, null, null, null, null, null);

  /** Whether no figure is known. */
  @JsonIgnore
  public boolean isEmpty() {
    return equals(NONE);
  }

  /** The sum of both, figure by figure; a figure neither knows stays null. */
  public Usage plus(Usage other) {
    return new Usage(sum(inputTokens, other.inputTokens), sum(outputTokens, other.outputTokens),
        sum(cacheReadTokens, other.cacheReadTokens), sum(cacheWriteTokens, other.cacheWriteTokens),
        costUsd == null ? other.costUsd : other.costUsd == null ? costUsd : Double.valueOf(costUsd + other.costUsd),
        sum(durationMs, other.durationMs));
  }

  private static Long sum(Long a, Long b) {
    // Boxed on purpose: with a primitive branch the conditional would unbox a null.
    return a == null ? b : b == null ? a : Long.valueOf(a + b);
  }
}
