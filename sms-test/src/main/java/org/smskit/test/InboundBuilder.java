package org.smskit.test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.webhooks.WebhookOutcome;

/**
 * An inbound SMS or MMS from a customer to one of the host's numbers, made by {@link SmsTestKit#inbound()}: the
 * form-encoded webhook the simulated provider posts, signed with the receiving account's token. {@link #deliver()}
 * hands it to {@link SmsService#handleWebhook}, which verifies it as it verifies a real provider's; {@link #request()}
 * gives it to a test that posts it to the host's own webhook endpoint.
 *
 * <pre>{@code
 * kit.inbound().from("+14155550123").body("Where is my order?").deliver();
 * kit.inbound().from("+14155550123").to("+14155550100").media("https://m.example/1.jpg", "image/jpeg").deliver();
 * }</pre>
 *
 * <p>Not thread-safe; build one per request.
 */
public final class InboundBuilder {
  private final SmsTestKit kit;
  private @Nullable String from;
  private @Nullable String to;
  private @Nullable String body;
  private final List<InboundMedia> media = new ArrayList<>();
  private boolean forged;

  InboundBuilder(SmsTestKit kit) {
    this.kit = kit;
  }

  /** The customer's number (E.164), short code or sender ID. Required. */
  public InboundBuilder from(String value) { from = Require.nonNull(value, "from"); return this; }

  /** Our number it is sent to, in E.164 (default: the first sender the kit added). */
  public InboundBuilder to(String value) { to = Require.nonNull(value, "to"); return this; }

  /** The text (default: none, which needs media). */
  public InboundBuilder body(@Nullable String value) { body = value; return this; }

  /** Adds a media item, making it an MMS. */
  public InboundBuilder media(String url, @Nullable String contentType) {
    media.add(new InboundMedia(Require.nonNull(url, "url"), contentType, "ME" + UUID.randomUUID().toString()
        .replace("-", "")));
    return this;
  }

  /**
   * Signs it with a signature no token makes, as a forger would: {@link #deliver()} then throws
   * {@link org.smskit.core.spi.WebhookVerificationException} and records nothing.
   */
  public InboundBuilder withInvalidSignature() { forged = true; return this; }

  /**
   * The signed webhook request, addressed to the receiving account's URL ({@code SmsService.webhookUrl}).
   *
   * @throws org.smskit.core.InvalidInputException when {@code from} is missing, or {@code to} is missing and the kit
   *     has no sender, or the number's account is not a simulated one
   * @throws org.smskit.core.NotFoundException when {@code to} is none of the tenant's numbers
   */
  public WebhookRequest request() {
    return signed().request();
  }

  /**
   * Hands the request to {@link SmsService#handleWebhook} for the receiving account, as the host's webhook
   * endpoint does; returns what it did (the stored message's id in {@link WebhookOutcome#message()}).
   *
   * @throws org.smskit.core.spi.WebhookVerificationException after {@link #withInvalidSignature()}
   */
  public WebhookOutcome deliver() {
    return signed().deliverTo(kit.service());
  }

  private SignedWebhook signed() {
    if (from == null) {
      throw new org.smskit.core.InvalidInputException("from", "is required: the customer's number");
    }
    PhoneNumber ours = to != null ? PhoneNumber.of(to) : kit.defaultSender().number();
    UUID account = kit.accountOf(ours);
    WebhookRequest request = kit.simulated(account).inboundMessage(kit.webhookUrl(account), Address.parse("from", from),
        ours, body, List.copyOf(media));
    SignedWebhook signed = new SignedWebhook(account, request);
    return forged ? signed.forged() : signed;
  }
}
