package org.smskit.test;

import java.util.List;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.model.Message;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.webhooks.WebhookOutcome;

/**
 * A delivery report for a message the simulated network accepted, made by {@link SmsTestKit#statusReport}: the
 * status webhook its provider posts, signed with the sending account's token. {@link #deliver()} hands it to
 * {@link SmsService#handleWebhook}; {@link #request()} gives it to a test that posts it to the host's own endpoint.
 *
 * <pre>{@code
 * kit.statusReport(receipt.messageId()).delivered().deliver();
 * kit.statusReport(receipt.messageId()).undelivered("30003").deliver();
 * }</pre>
 *
 * <p>Not thread-safe; build one per report.
 */
public final class StatusReportBuilder {
  private final SmsTestKit kit;
  private final UUID messageId;
  private MessageStatus status = MessageStatus.DELIVERED;
  private @Nullable String errorCode;
  private boolean forged;

  StatusReportBuilder(SmsTestKit kit, UUID messageId) {
    this.kit = kit;
    this.messageId = messageId;
  }

  /** Reports {@code value}, with the provider's {@code errorCode} if any (the default is {@code delivered}). */
  public StatusReportBuilder status(MessageStatus value, @Nullable String errorCode) {
    status = Require.nonNull(value, "status");
    this.errorCode = errorCode;
    return this;
  }

  /** Reports that the handset received it. */
  public StatusReportBuilder delivered() { return status(MessageStatus.DELIVERED, null); }

  /** Reports that the carrier took it (not yet delivered). */
  public StatusReportBuilder sent() { return status(MessageStatus.SENT, null); }

  /** Reports that the provider could not send it, with its error code. */
  public StatusReportBuilder failed(String code) { return status(MessageStatus.FAILED, code); }

  /** Reports that the carrier could not deliver it, with the provider's error code (Twilio's 30003, say). */
  public StatusReportBuilder undelivered(String code) { return status(MessageStatus.UNDELIVERED, code); }

  /**
   * Signs it with a signature no token makes: {@link #deliver()} then throws
   * {@link org.smskit.core.spi.WebhookVerificationException} and changes nothing.
   */
  public StatusReportBuilder withInvalidSignature() { forged = true; return this; }

  /**
   * The signed webhook request, addressed to the sending account's URL.
   *
   * @throws org.smskit.core.NotFoundException when the message is not the kit tenant's
   * @throws InvalidInputException when the simulated network never accepted the message (still queued: {@code
   *     flush()} first)
   */
  public WebhookRequest request() {
    return signed().request();
  }

  /** Hands the report to {@link SmsService#handleWebhook} for the sending account; returns what it did. */
  public WebhookOutcome deliver() {
    return signed().deliverTo(kit.service());
  }

  private SignedWebhook signed() {
    Message message = kit.service().message(messageId).message();
    List<SimulatedNetwork.Sent> sent = kit.network().sent();
    String providerId = null;
    for (SimulatedNetwork.Sent s : sent) { // the last acceptance wins: a retried send has a new provider id
      if (s.message().messageId().equals(messageId)) {
        providerId = s.providerMessageId();
      }
    }
    if (providerId == null) {
      throw new InvalidInputException("message_id", "names a message the simulated network never accepted (status "
          + message.status().dbValue() + "); queued messages go out on flush()");
    }
    UUID account = kit.accountOf(message);
    WebhookRequest request = kit.network().statusCallback(kit.webhookUrl(account), providerId, status, errorCode);
    SignedWebhook signed = new SignedWebhook(account, request);
    return forged ? signed.forged() : signed;
  }
}
