package org.smskit.core.status;

/** What {@link StatusMachine} decided about an incoming status. */
public enum StatusOutcome {
  /** The message moves to the incoming status. */
  APPLY,
  /** The message already has this status; nothing changes (a repeated callback). */
  DUPLICATE,
  /**
   * Older than the current status, or in conflict with it (a second terminal status, {@code canceled} once
   * sending has begun, {@code read} after a failure); the message keeps its status and timestamps, and the event
   * belongs in the status history only.
   */
  STALE,
  /** Not a status of the message's direction ({@code received} on an outbound message, for example). */
  INVALID
}
