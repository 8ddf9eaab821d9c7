package dev.sandboxagent.api;

/**
 * What an agent can do, as advertised in the agents listing. The host renders every constant as a
 * boolean under its {@link #wireName()}, so the listing's shape depends only on the host's SPI.
 * New constants may be added within a major SPI version.
 */
public enum Capability {
  /** Plan mode. */
  PLAN_MODE("planMode"),
  /** Permission requests. */
  PERMISSIONS("permissions"),
  /** Questions to the user. */
  QUESTIONS("questions"),
  /** Tool call items. */
  TOOL_CALLS("toolCalls"),
  /** Tool result items. */
  TOOL_RESULTS("toolResults"),
  /** Text messages. */
  TEXT_MESSAGES("textMessages"),
  /** Image content. */
  IMAGES("images"),
  /** File attachments. */
  FILE_ATTACHMENTS("fileAttachments"),
  /** Session lifecycle events. */
  SESSION_LIFECYCLE("sessionLifecycle"),
  /** Error events. */
  ERROR_EVENTS("errorEvents"),
  /** Reasoning content. */
  REASONING("reasoning"),
  /** Status items. */
  STATUS("status"),
  /** Command execution items. */
  COMMAND_EXECUTION("commandExecution"),
  /** File change items. */
  FILE_CHANGES("fileChanges"),
  /** MCP tool calls. */
  MCP_TOOLS("mcpTools"),
  /** Streaming text deltas. */
  STREAMING_DELTAS("streamingDeltas"),
  /**
   * The agent announces its items with {@code item.started}. When absent, the host opens a pending
   * assistant item for each turn and re-keys the agent's assistant output onto it.
   */
  ITEM_STARTED("itemStarted"),
  /** One shared agent process serves all sessions; the listing then shows its server status. */
  SHARED_PROCESS("sharedProcess");

  private final String wireName;

  Capability(String wireName) {
    this.wireName = wireName;
  }

  /** Returns the camelCase key used in the agents listing. */
  public String wireName() {
    return wireName;
  }
}
