package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonValue;

/** The event types of this version, with their wire names. */
public enum EventType {
  /** {@code session.started}. */
  SESSION_STARTED("session.started"),
  /** {@code session.ended}. */
  SESSION_ENDED("session.ended"),
  /** {@code item.started}. */
  ITEM_STARTED("item.started"),
  /** {@code item.delta}. */
  ITEM_DELTA("item.delta"),
  /** {@code item.completed}. */
  ITEM_COMPLETED("item.completed"),
  /** {@code error}. */
  ERROR("error"),
  /** {@code permission.requested}. */
  PERMISSION_REQUESTED("permission.requested"),
  /** {@code permission.resolved}. */
  PERMISSION_RESOLVED("permission.resolved"),
  /** {@code question.requested}. */
  QUESTION_REQUESTED("question.requested"),
  /** {@code question.resolved}. */
  QUESTION_RESOLVED("question.resolved"),
  /** {@code agent.unparsed}. */
  AGENT_UNPARSED("agent.unparsed");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** Returns the wire name, e.g. {@code item.started}. */
  @JsonValue
  public String wireName() {
    return wireName;
  }
}
