package org.smskit.core.status;

import static java.util.Objects.requireNonNull;

/**
 * The result of {@link StatusMachine#apply}: the decision, and the status and timestamps the message has after it
 * (unchanged unless {@link #outcome()} is {@link StatusOutcome#APPLY}).
 */
public record StatusUpdate(StatusOutcome outcome, MessageStatus status, StatusTimestamps timestamps) {

  public StatusUpdate {
    requireNonNull(outcome, "outcome");
    requireNonNull(status, "status");
    requireNonNull(timestamps, "timestamps");
  }

  /** Whether the message row must be written. */
  public boolean changed() {
    return outcome == StatusOutcome.APPLY;
  }
}
