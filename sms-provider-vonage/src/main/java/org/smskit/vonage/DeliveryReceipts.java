package org.smskit.vonage;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.smskit.core.Nullable;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.status.MessageStatus;

/**
 * SMS API delivery receipts. Vonage sends one per part of a long message, each with that part's
 * {@code messageId} but the same {@code client-ref}, which is our message id: so every part's receipt names the
 * one message, and the service applies them monotonically.
 *
 * <table>
 *   <caption>Receipt status to our status</caption>
 *   <tr><th>Vonage</th><th>ours</th><th>why</th></tr>
 *   <tr><td>delivered</td><td>delivered</td><td>the handset has it</td></tr>
 *   <tr><td>accepted</td><td>sent</td><td>the carrier took it, not yet delivered</td></tr>
 *   <tr><td>buffered</td><td>sent</td><td>the carrier holds it for later delivery</td></tr>
 *   <tr><td>expired</td><td>undelivered</td><td>the carrier gave up retrying</td></tr>
 *   <tr><td>failed</td><td>undelivered</td><td>the carrier could not deliver it</td></tr>
 *   <tr><td>rejected</td><td>failed</td><td>refused by Vonage or the carrier before delivery was tried</td></tr>
 *   <tr><td>unknown, or a word not listed</td><td>sent</td><td>a receipt exists only for a message Vonage handed
 *       on; the monotonic status machine never lets this undo a later status, and the raw word is kept</td></tr>
 * </table>
 */
final class DeliveryReceipts {
  private DeliveryReceipts() {}

  static MessageStatus status(String vonageStatus) {
    return switch (vonageStatus.strip().toLowerCase(Locale.ROOT)) {
      case "delivered" -> MessageStatus.DELIVERED;
      case "expired", "failed" -> MessageStatus.UNDELIVERED;
      case "rejected" -> MessageStatus.FAILED;
      default -> MessageStatus.SENT;
    };
  }

  /**
   * {@code occurredAt} is {@code message-timestamp} (UTC, to the second); the carrier's {@code scts} has minute
   * precision and no documented zone, so it is only the fallback.
   */
  static StatusUpdateEvent parse(Map<String, String> p, String raw, Instant now) {
    String providerStatus = WebhookParameters.required(p, "status");
    Instant at = Timestamps.smsApi(WebhookParameters.get(p, "message-timestamp"))
        .or(() -> Timestamps.scts(WebhookParameters.get(p, "scts")))
        .orElse(now);
    return StatusUpdateEvent.builder(VonageProvider.NAME, WebhookParameters.required(p, "messageId"),
            status(providerStatus), providerStatus, at)
        .messageId(Timestamps.clientReference(WebhookParameters.get(p, "client-ref")))
        .errorCode(errorCode(WebhookParameters.get(p, "err-code"))).rawPayload(raw).build();
  }

  /** {@code err-code} 0 means no error. */
  private static @Nullable String errorCode(@Nullable String code) {
    return code == null || code.equals("0") ? null : code;
  }
}
