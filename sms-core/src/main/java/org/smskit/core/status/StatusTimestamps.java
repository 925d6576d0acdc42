package org.smskit.core.status;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.smskit.core.Nullable;
import org.smskit.core.model.Direction;

/**
 * The times a message first reached {@code sent}, {@code delivered}, a failure and {@code read}
 * ({@code sms_messages.sent_at}, {@code delivered_at}, {@code failed_at}, {@code read_at}). Each is fixed by the
 * first status that sets it and never moved afterwards.
 */
public record StatusTimestamps(
    @Nullable Instant sentAt, @Nullable Instant deliveredAt, @Nullable Instant failedAt, @Nullable Instant readAt) {

  /** No time set yet. */
  public static final StatusTimestamps NONE = new StatusTimestamps(null, null, null, null);

  /**
   * These timestamps after the message reaches {@code status} at {@code at}; only times still null are set.
   *
   * <ul>
   *   <li>{@code sent} sets {@code sentAt};
   *   <li>{@code delivered} sets {@code deliveredAt}, and {@code sentAt} when still null;
   *   <li>{@code undelivered} sets {@code failedAt}, and {@code sentAt} when still null (the carrier took it);
   *   <li>{@code failed} sets {@code failedAt} only (it never left);
   *   <li>outbound {@code read} sets {@code readAt}, and {@code deliveredAt} and {@code sentAt} when still null;
   *       inbound {@code read} sets {@code readAt} only;
   *   <li>any other status sets nothing.
   * </ul>
   *
   * <p>The implied times are filled because callbacks get lost and arrive out of order: a message reported
   * delivered was sent no later than that, and leaving {@code sentAt} null would drop it from "sent between"
   * reports for good. The status history keeps each event's own time.
   *
   * <p>This does not decide whether the status may be applied: use {@link StatusMachine#apply}.
   *
   * @throws NullPointerException when an argument is null
   */
  public StatusTimestamps reached(Direction direction, MessageStatus status, Instant at) {
    requireNonNull(direction, "direction");
    requireNonNull(status, "status");
    requireNonNull(at, "at");
    boolean outbound = direction == Direction.OUTBOUND;
    return switch (status) {
      case SENT -> with(at, null, null, null);
      case DELIVERED -> with(at, at, null, null);
      case UNDELIVERED -> with(at, null, at, null);
      case FAILED -> with(null, null, at, null);
      case READ -> outbound ? with(at, at, null, at) : with(null, null, null, at);
      case SCHEDULED, QUEUED, SENDING, CANCELED, RECEIVED -> this;
    };
  }

  private StatusTimestamps with(
      @Nullable Instant sent, @Nullable Instant delivered, @Nullable Instant failed, @Nullable Instant read) {
    return new StatusTimestamps(
        first(sentAt, sent), first(deliveredAt, delivered), first(failedAt, failed), first(readAt, read));
  }

  private static @Nullable Instant first(@Nullable Instant existing, @Nullable Instant candidate) {
    return existing != null ? existing : candidate;
  }
}
