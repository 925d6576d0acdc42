package org.smskit.vonage;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Require;
import org.smskit.core.crypto.Secret;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderCapabilities;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vonage for one account: text through the SMS API, one-image MMS (US and Canada) through the Messages API,
 * the webhooks of both (delivery receipts, inbound SMS including concatenated ones, Messages API status and
 * inbound), and lookups through the Reports API when the account enables it ({@link #lookup}). Made by
 * {@link VonageProviderFactory}; the module README lists the settings, the status-code table and
 * the webhook rules.
 *
 * <p>Sends are never retried here: a failure comes out as a {@link ProviderException} whose
 * {@link ProviderException#kind() kind} tells the caller whether trying again is safe ({@link Kind#RETRYABLE},
 * {@link Kind#RATE_LIMITED}) or could send twice ({@link Kind#OUTCOME_UNKNOWN}).
 *
 * <p>Webhooks are verified before anything is read: the {@code sig} parameter (SMS API) or the signed JWT bearer
 * token (Messages API) against the account's signature secret. A webhook without a signature is refused unless
 * the {@code allowUnsignedWebhooks} setting is true; without a signature secret, every webhook is refused unless
 * that setting is true.
 *
 * <p>Thread-safe. One OkHttp client per instance; {@link #close()} releases it (or leaves a host-supplied client's
 * shared pool alone).
 */
public final class VonageProvider implements SmsProvider {
  /** The SPI name. */
  public static final String NAME = "vonage";

  private static final Logger log = LoggerFactory.getLogger(VonageProvider.class);
  private static final ProviderCapabilities CAPABILITIES =
      ProviderCapabilities.builder().mms(true).unicode(true).maxMediaPerMessage(1).build();

  private final VonageSettings settings;
  private final VonageCredentials credentials;
  private final Clock clock;
  private final OkHttpClient client;
  private final boolean ownsClient;
  private final SmsApi sms;
  private final MessagesApi messages;
  private final ReportsApi reports;

  VonageProvider(VonageSettings settings, VonageCredentials credentials, Clock clock, OkHttpClient client,
      boolean ownsClient) {
    this.settings = settings;
    this.credentials = credentials;
    this.clock = clock;
    this.client = client;
    this.ownsClient = ownsClient;
    Transport transport = new Transport(client, clock);
    this.sms = new SmsApi(transport, settings, credentials, clock);
    this.messages = new MessagesApi(transport, settings, credentials);
    this.reports = new ReportsApi(transport, settings, credentials);
    if (settings.allowUnsignedWebhooks()) {
      log.warn("vonage account {} accepts unsigned webhooks (allowUnsignedWebhooks){}", credentials.apiKey(),
          credentials.signature().isEmpty() ? " and has no signature secret: no webhook is verified" : "");
    } else if (credentials.signature().isEmpty()) {
      log.debug("vonage account {} has no signature secret: its webhooks are refused", credentials.apiKey());
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProviderCapabilities capabilities() {
    return CAPABILITIES;
  }

  /**
   * Checks the typed validity (20 seconds to 7 days, sent as {@code ttl} in milliseconds) and the raw parameters
   * under {@code vonage}: only {@code ttl}, {@code message-class}, {@code account-ref}, {@code entity-id} and
   * {@code content-id}; the parameters smskit sets ({@code to}, {@code from}, {@code text}, {@code type},
   * {@code client-ref}, {@code callback}, {@code status-report-req}...) are refused, as is every other name.
   */
  @Override
  public void validateOptions(ProviderOptions options) {
    Require.nonNull(options, "options");
    SmsApi.validate(options.validity(), options.raw(NAME));
  }

  /**
   * Sends {@code message}: through the Messages API as MMS when it has media, else through the SMS API.
   *
   * @throws ProviderException classified by kind: {@link Kind#UNSUPPORTED} before any request for a messaging
   *     service, a recipient that is not a phone number, more than one media, or MMS outside the US and Canada
   * @throws InvalidInputException for a malformed option ({@code options.ttl}...)
   */
  @Override
  public SendResult send(OutboundMessage message) {
    Require.nonNull(message, "message");
    if (message.from() == null) {
      throw new ProviderException(NAME, Kind.UNSUPPORTED, null,
          "Vonage has no messaging services; give the message a sender");
    }
    if (!(message.to() instanceof PhoneNumber to)) {
      throw new ProviderException(NAME, Kind.UNSUPPORTED, null, "Vonage sends only to phone numbers, not to "
          + message.to().getClass().getSimpleName());
    }
    return message.hasMedia() ? messages.send(message, to) : sms.send(message, to);
  }

  /**
   * Verifies and reads a webhook: a Messages API callback when it carries a bearer token or a
   * {@code message_uuid}, else an SMS API delivery receipt ({@code status}) or inbound SMS, as GET query, POST
   * form or POST JSON.
   *
   * @throws WebhookVerificationException when the signature is missing (and unsigned webhooks are not allowed),
   *     wrong, or outside the time window
   * @throws InvalidInputException when a verified webhook lacks a field the event needs
   */
  @Override
  public WebhookEvent parseWebhook(WebhookRequest request, WebhookContext context) {
    Require.nonNull(request, "request");
    Require.nonNull(context, "context");
    // Only a bearer token marks the Messages API: an SMS API webhook to a URL with user:password carries Basic.
    Optional<String> bearer = request.header("Authorization")
        .filter(a -> a.strip().regionMatches(true, 0, "Bearer ", 0, 7));
    Optional<JsonNode> json = WebhookParameters.isJson(request) ? WebhookParameters.tryJson(request.bodyText())
        : Optional.empty();
    if (bearer.isPresent() || json.map(MessagesWebhooks::isMessagesApi).orElse(false)) {
      return messagesWebhook(request, bearer);
    }
    if (WebhookParameters.isJson(request) && json.isEmpty()) {
      // Nothing in an unreadable body can be verified.
      if (!settings.allowUnsignedWebhooks()) {
        throw new WebhookVerificationException(NAME, "the JSON body is unreadable, so nothing can be verified");
      }
      throw new InvalidInputException("webhook", "the body is not a JSON object");
    }
    Map<String, String> parameters = WebhookParameters.of(request);
    verifySmsApi(parameters);
    String raw = WebhookParameters.raw(request);
    if (parameters.containsKey("status") && parameters.containsKey("messageId")) {
      return DeliveryReceipts.parse(parameters, raw, clock.instant());
    }
    if (parameters.containsKey("msisdn") && parameters.containsKey("messageId")) {
      return InboundSms.parse(parameters, raw, context.fragments(), settings.concatPartsTtl(), clock.instant());
    }
    if (parameters.isEmpty()) {
      return new WebhookEvent.Acknowledged(NAME, "empty request");
    }
    throw new InvalidInputException("webhook", "is neither a delivery receipt nor an inbound message");
  }

  private WebhookEvent messagesWebhook(WebhookRequest request, Optional<String> bearer) {
    Optional<Secret> secret = credentials.signature();
    if (bearer.isPresent() && secret.isPresent()) {
      WebhookJwt.verify(bearer.get(), request.body(), secret.get(), clock.instant(),
          settings.webhookTolerance());
    } else if (!settings.allowUnsignedWebhooks()) {
      throw new WebhookVerificationException(NAME, secret.isPresent()
          ? "the Messages API webhook carries no bearer token"
          : "no signature secret is configured for this account, so the webhook cannot be verified"
              + " (configure one, or set allowUnsignedWebhooks)");
    }
    return MessagesWebhooks.parse(WebhookParameters.json(request.bodyText()), request.bodyText(), clock.instant());
  }

  private void verifySmsApi(Map<String, String> parameters) {
    Optional<Secret> secret = credentials.signature();
    boolean signed = parameters.containsKey(SmsSignatures.SIG);
    if (signed && secret.isPresent()) {
      SmsSignatures.verify(parameters, settings.signatureMethod(), secret.get(), clock.instant(),
          settings.webhookTolerance());
    } else if (!settings.allowUnsignedWebhooks()) {
      throw new WebhookVerificationException(NAME, secret.isPresent()
          ? "the webhook carries no sig parameter (enable signed webhooks for the account, or set"
              + " allowUnsignedWebhooks)"
          : "no signature secret is configured for this account, so the webhook cannot be verified"
              + " (configure one, or set allowUnsignedWebhooks)");
    }
  }

  /**
   * Looks the message up in Vonage's Reports API when the {@code reportsApi} setting is on (else
   * {@link LookupResult.Unknown}): by its id when one is known, else by our message id as {@code client_ref} among
   * the records of the send window. Never {@link LookupResult.NotFound}: Vonage's records may lag behind sends, and
   * the SMS and Messages APIs have no lookup (see the module README).
   */
  @Override
  public LookupResult lookup(LookupRequest request) {
    return reports.lookup(request);
  }

  /** Releases the HTTP client's threads and connections, unless they belong to a host-supplied client. */
  @Override
  public void close() {
    if (ownsClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "VonageProvider[" + credentials + "]";
  }
}
