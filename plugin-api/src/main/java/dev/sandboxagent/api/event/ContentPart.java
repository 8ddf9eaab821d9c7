package dev.sandboxagent.api.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One part of an item's content, tagged on the wire by {@code type}. Every key of a part is always
 * present; nullable ones ({@code diff}, {@code mime}, {@code detail}) are written as {@code null}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
  @JsonSubTypes.Type(value = ContentPart.Json.class, name = "json"),
  @JsonSubTypes.Type(value = ContentPart.ToolCall.class, name = "tool_call"),
  @JsonSubTypes.Type(value = ContentPart.ToolResult.class, name = "tool_result"),
  @JsonSubTypes.Type(value = ContentPart.FileRef.class, name = "file_ref"),
  @JsonSubTypes.Type(value = ContentPart.Reasoning.class, name = "reasoning"),
  @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image"),
  @JsonSubTypes.Type(value = ContentPart.Status.class, name = "status")
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public sealed interface ContentPart {

  /** Plain text. */
  record Text(String text) implements ContentPart {
    /** Validates the part. */
    public Text {
      requireNonNull(text, "text is null");
    }
  }

  /** An arbitrary JSON value. */
  record Json(Object json) implements ContentPart {}

  /** A tool invocation; {@code arguments} is usually a JSON document serialized to a string. */
  @JsonPropertyOrder({"name", "arguments", "call_id"})
  record ToolCall(String name, String arguments, @JsonProperty("call_id") String callId)
      implements ContentPart {
    /** Validates the part. */
    public ToolCall {
      requireNonNull(name, "name is null");
      requireNonNull(arguments, "arguments is null");
      requireNonNull(callId, "callId is null");
    }
  }

  /** The output of a tool invocation. */
  @JsonPropertyOrder({"call_id", "output"})
  record ToolResult(@JsonProperty("call_id") String callId, String output) implements ContentPart {
    /** Validates the part. */
    public ToolResult {
      requireNonNull(callId, "callId is null");
      requireNonNull(output, "output is null");
    }
  }

  /** A file the agent read, wrote or patched; {@code diff} may be null. */
  @JsonPropertyOrder({"path", "action", "diff"})
  record FileRef(String path, FileAction action, String diff) implements ContentPart {
    /** Validates the part. */
    public FileRef {
      requireNonNull(path, "path is null");
      requireNonNull(action, "action is null");
    }
  }

  /** Reasoning text with its intended visibility. */
  @JsonPropertyOrder({"text", "visibility"})
  record Reasoning(String text, ReasoningVisibility visibility) implements ContentPart {
    /** Validates the part. */
    public Reasoning {
      requireNonNull(text, "text is null");
      requireNonNull(visibility, "visibility is null");
    }
  }

  /** An image by path; {@code mime} may be null. */
  @JsonPropertyOrder({"path", "mime"})
  record Image(String path, String mime) implements ContentPart {
    /** Validates the part. */
    public Image {
      requireNonNull(path, "path is null");
    }
  }

  /**
   * A status label with an optional detail and, on the item that ends a turn, the turn's {@code
   * usage} (an addition, since 1.3; absent from the JSON when null or empty).
   */
  @JsonPropertyOrder({"label", "detail", "usage"})
  record Status(String label, String detail, @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage)
      implements ContentPart {
    /** Validates the part. */
    public Status {
      requireNonNull(label, "label is null");
      if (usage != null && usage.isEmpty()) {
        usage = null;
      }
    }

    /** A status without usage. */
    public Status(String label, String detail) {
      this(label, detail, null);
    }
  }
}
