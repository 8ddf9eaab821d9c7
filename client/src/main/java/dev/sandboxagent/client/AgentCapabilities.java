package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What an agent can do, as {@code GET /v1/agents} reports it.
 *
 * @param planMode plan mode
 * @param permissions permission requests reach the client
 * @param questions questions reach the client
 * @param toolCalls tool calls
 * @param toolResults tool results
 * @param textMessages text messages
 * @param images images
 * @param fileAttachments file attachments
 * @param sessionLifecycle session lifecycle events
 * @param errorEvents error events
 * @param reasoning reasoning
 * @param status status items
 * @param commandExecution command execution
 * @param fileChanges file changes
 * @param mcpTools MCP tools
 * @param streamingDeltas streaming deltas
 * @param itemStarted item.started events
 * @param sharedProcess one shared server process rather than a process per turn
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentCapabilities(boolean planMode, boolean permissions, boolean questions, boolean toolCalls,
    boolean toolResults, boolean textMessages, boolean images, boolean fileAttachments, boolean sessionLifecycle,
    boolean errorEvents, boolean reasoning, boolean status, boolean commandExecution, boolean fileChanges,
    boolean mcpTools, boolean streamingDeltas, boolean itemStarted, boolean sharedProcess) {}
