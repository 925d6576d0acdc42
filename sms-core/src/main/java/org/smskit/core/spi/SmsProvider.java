package org.smskit.core.spi;

/**
 * An SMS provider, configured for one sender account. Implementations are thread-safe and share one HTTP client
 * per instance; {@link #close()} releases it.
 *
 * <p>To add a provider: implement {@link SmsProviderFactory} (one class may implement both interfaces) and
 * list it in {@code META-INF/services/org.smskit.core.spi.SmsProviderFactory}.
 */
public interface SmsProvider extends AutoCloseable {

  /** The SPI name, lower case ({@code twilio}); the value of {@code sms_sender_accounts.provider}. */
  String name();

  ProviderCapabilities capabilities();

  /**
   * Hands one message to the provider. Never retries a request whose outcome is unknown: that decision belongs
   * to the caller.
   *
   * @throws ProviderException classified by {@link ProviderException.Kind}
   */
  SendResult send(OutboundMessage message);

  /**
   * Checks per-message options when a message is accepted, long before it is sent: the typed options this provider
   * can honour and its own raw parameters ({@link ProviderOptions#raw(String)} under {@link #name()}; other
   * providers' are ignored). It refuses raw parameters it does not pass through and those that would override what
   * smskit sets itself (recipient, sender, body, callback). No network call. {@link #send} checks again what
   * depends on the message or the moment. The default refuses every option: a provider accepts only what it
   * documents.
   *
   * @throws org.smskit.core.InvalidInputException naming the option ({@code options.ValidityPeriod},
   *     {@code options.validity}) and the rule broken
   */
  default void validateOptions(ProviderOptions options) {
    if (options.validity() != null) {
      throw new org.smskit.core.InvalidInputException("options.validity", "the " + name()
          + " provider cannot limit how long delivery is tried");
    }
    for (String parameter : options.raw(name()).keySet()) {
      throw new org.smskit.core.InvalidInputException("options." + parameter, "the " + name()
          + " provider passes no per-message parameters through");
    }
  }

  /**
   * Verifies a webhook the provider sent and turns it into an event.
   *
   * @throws WebhookVerificationException when the request is not provably from the provider; nothing may be
   *     recorded for it
   * @throws org.smskit.core.InvalidInputException when a verified request lacks a field the event needs
   */
  WebhookEvent parseWebhook(WebhookRequest request, WebhookContext context);

  /**
   * Looks a message up at the provider, to reconcile a send whose outcome is unknown. Optional: the default
   * answers {@link LookupResult.Unknown}. An implementation answers {@link LookupResult.NotFound} only when the
   * provider's own records prove the message was never created; anything short of proof is
   * {@link LookupResult.Unknown}. Never throws for a failed lookup: it answers Unknown with the reason.
   */
  default LookupResult lookup(LookupRequest request) {
    return new LookupResult.Unknown(name() + " offers no message lookup");
  }

  @Override
  default void close() {}
}
