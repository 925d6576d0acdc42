package org.smskit.core.status;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.Direction;

/**
 * Which status changes a message accepts. Providers send status callbacks with no ordering guarantee and
 * sometimes twice, so updates are monotonic: a message never moves back, and its first terminal status stays.
 *
 * <p>Outbound ranks, low to high:
 *
 * <pre>
 *   scheduled 0 &lt; queued 1 &lt; sending 2 &lt; sent 3 &lt; delivered | undelivered | failed | canceled 4 &lt; read 5
 * </pre>
 *
 * An incoming status applies when its rank is higher than the current one, with two exceptions:
 *
 * <ul>
 *   <li>{@code canceled} applies only to {@code scheduled} and {@code queued}: once sending has begun the message
 *       may already be with the provider;
 *   <li>{@code read} does not apply over {@code undelivered}, {@code failed} or {@code canceled}: a stale success
 *       never overwrites a failure.
 * </ul>
 *
 * A lower rank is {@link StatusOutcome#STALE} (a late callback such as {@code sent} after {@code delivered});
 * so is another status of equal rank, which keeps the first terminal status ({@code delivered} then
 * {@code undelivered} stays delivered, {@code failed} then {@code delivered} stays failed). Ranks may skip:
 * {@code delivered} on a {@code sending} message applies, because the callback can overtake the provider's
 * answer to the send request.
 *
 * <p>Inbound: {@code received 0 < read 1}. A status of the other direction is {@link StatusOutcome#INVALID}.
 *
 * <p>The dispatcher's retry, {@code sending → queued}, goes backwards and so is not a callback transition; it
 * has its own method, {@link #requeue(MessageStatus)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class StatusMachine {

  private StatusMachine() {}

  /** Whether a message of {@code direction} can have {@code status} (the schema's {@code sms_messages_status_check}). */
  public static boolean isStatusOf(Direction direction, MessageStatus status) {
    requireNonNull(direction, "direction");
    requireNonNull(status, "status");
    return switch (status) {
      case READ -> true;
      case RECEIVED -> direction == Direction.INBOUND;
      case SCHEDULED, QUEUED, SENDING, SENT, DELIVERED, UNDELIVERED, FAILED, CANCELED ->
          direction == Direction.OUTBOUND;
    };
  }

  /**
   * Decides what an incoming status does to a message of {@code direction} that has {@code current}.
   *
   * @throws InvalidInputException for field {@code status} when {@code current} is not a status of
   *     {@code direction} (the stored row is inconsistent)
   */
  public static StatusOutcome decide(Direction direction, MessageStatus current, MessageStatus incoming) {
    requireCurrent(direction, current);
    requireNonNull(incoming, "incoming");
    if (!isStatusOf(direction, incoming)) {
      return StatusOutcome.INVALID;
    }
    if (incoming == current) {
      return StatusOutcome.DUPLICATE;
    }
    if (rank(direction, incoming) <= rank(direction, current)) {
      return StatusOutcome.STALE;
    }
    if (incoming == MessageStatus.CANCELED && rank(direction, current) > rank(direction, MessageStatus.QUEUED)) {
      return StatusOutcome.STALE;
    }
    if (incoming == MessageStatus.READ && isFailure(current)) {
      return StatusOutcome.STALE;
    }
    return StatusOutcome.APPLY;
  }

  /**
   * Decides and, when the status applies, moves the message and fixes the timestamps the new status sets for the
   * first time ({@link StatusTimestamps#reached}). Otherwise status and timestamps come back unchanged.
   *
   * @param at when the status was reached (the provider's event time when it has one, else the clock's)
   * @throws InvalidInputException for field {@code status} when {@code current} is not a status of
   *     {@code direction}
   */
  public static StatusUpdate apply(
      Direction direction,
      MessageStatus current,
      StatusTimestamps timestamps,
      MessageStatus incoming,
      Instant at) {
    requireNonNull(timestamps, "timestamps");
    requireNonNull(at, "at");
    StatusOutcome outcome = decide(direction, current, incoming);
    return outcome == StatusOutcome.APPLY
        ? new StatusUpdate(outcome, incoming, timestamps.reached(direction, incoming, at))
        : new StatusUpdate(outcome, current, timestamps);
  }

  /**
   * The dispatcher's retry after a retryable provider failure: {@code sending → queued}. Never used for
   * callbacks. {@link StatusOutcome#APPLY} from {@code sending}; {@link StatusOutcome#DUPLICATE} from
   * {@code queued}; {@link StatusOutcome#STALE} from any other status (a callback or a cancel got there first,
   * so the message must not be sent again). Sets no timestamp.
   *
   * @throws InvalidInputException for field {@code status} when {@code current} is not an outbound status
   */
  public static StatusOutcome requeue(MessageStatus current) {
    requireCurrent(Direction.OUTBOUND, current);
    return switch (current) {
      case SENDING -> StatusOutcome.APPLY;
      case QUEUED -> StatusOutcome.DUPLICATE;
      default -> StatusOutcome.STALE;
    };
  }

  /**
   * The current statuses from which {@code incoming} applies, for a guarded update that needs no lock:
   * {@code UPDATE sms_messages SET status = :incoming … WHERE id = :id AND status = ANY(:from)}. Empty when
   * {@code incoming} is not a status of {@code direction}.
   */
  public static Set<MessageStatus> appliesFrom(Direction direction, MessageStatus incoming) {
    requireNonNull(direction, "direction");
    requireNonNull(incoming, "incoming");
    EnumSet<MessageStatus> from = EnumSet.noneOf(MessageStatus.class);
    for (MessageStatus current : MessageStatus.values()) {
      if (isStatusOf(direction, current) && decide(direction, current, incoming) == StatusOutcome.APPLY) {
        from.add(current);
      }
    }
    return Collections.unmodifiableSet(from);
  }

  /** The rank in the class comment; only meaningful for a status of {@code direction}. */
  static int rank(Direction direction, MessageStatus status) {
    if (direction == Direction.INBOUND) {
      return status == MessageStatus.READ ? 1 : 0;
    }
    return switch (status) {
      case SCHEDULED -> 0;
      case QUEUED -> 1;
      case SENDING -> 2;
      case SENT -> 3;
      case DELIVERED, UNDELIVERED, FAILED, CANCELED -> 4;
      case READ -> 5;
      case RECEIVED -> throw new IllegalArgumentException("received is not an outbound status");
    };
  }

  private static boolean isFailure(MessageStatus status) {
    return status == MessageStatus.UNDELIVERED || status == MessageStatus.FAILED || status == MessageStatus.CANCELED;
  }

  private static void requireCurrent(Direction direction, MessageStatus current) {
    requireNonNull(direction, "direction");
    requireNonNull(current, "current");
    if (!isStatusOf(direction, current)) {
      throw new InvalidInputException("status",
          current.dbValue() + " is not a status of an " + direction.dbValue() + " message");
    }
  }
}
