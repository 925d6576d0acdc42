package org.smskit.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.Credentials;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderCapabilities;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.status.MessageStatus;

/**
 * Twilio Programmable Messaging for one account: sends SMS and MMS with the Messages resource
 * ({@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json}), looks messages up there ({@link #lookup}), and
 * verifies and reads Twilio's inbound-message and status-callback webhooks ({@code X-Twilio-Signature}). Create one with {@link TwilioProviderFactory}; the
 * settings keys, the error table and the status mapping are in the module README.
 *
 * <p>Credentials: {@link ProviderConfig#accountSid()} is the account SID ({@code AC...}) and the token its auth
 * token, which verifies webhooks and, unless settings {@code apiKeySid} and the secret setting
 * {@code apiKeySecret} name an API key to send with, authenticates sends. An API key SID ({@code SK...}) with its
 * secret as the token also works, for sending only: Twilio signs webhooks with the auth token.
 *
 * <p>A send is one HTTP request, never repeated by this class or by OkHttp (its connection-failure retry is off):
 * Twilio has no idempotency key, so a retry is the caller's decision, guided by {@link ProviderException#kind()}.
 * A failure before any byte of the request was written is {@link Kind#RETRYABLE}; once the request may have
 * reached Twilio, a timeout or broken connection is {@link Kind#OUTCOME_UNKNOWN}.
 *
 * <p>Thread-safe. Each instance has one OkHttp client (its own, or one sharing the connection pool of the client
 * given to the factory); {@link #close()} releases what it owns.
 */
public final class TwilioProvider implements SmsProvider {
  /** The SPI name. */
  public static final String NAME = "twilio";

  private static final Logger log = LoggerFactory.getLogger(TwilioProvider.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ProviderCapabilities CAPABILITIES =
      ProviderCapabilities.builder().mms(true).unicode(true).messagingServices(true)
          .maxMediaPerMessage(CreateMessageForm.MAX_MEDIA).build();
  private static final String USER_AGENT = "smskit-twilio";

  private final String accountSid;
  private final String authorization;
  private final TwilioSettings settings;
  private final Clock clock;
  private final OkHttpClient client;
  private final boolean ownsClient;
  private final HttpUrl messagesUrl;
  private final TwilioWebhooks webhooks;
  private final TwilioLookup lookup;

  /**
   * @param base a client whose connection pool and dispatcher to share; null for a client of this provider's own
   */
  TwilioProvider(ProviderConfig config, @Nullable OkHttpClient base) {
    Objects.requireNonNull(config, "config");
    this.settings = TwilioSettings.parse(config.settingsJson());
    this.clock = config.clock();
    TwilioAccount account = TwilioAccount.of(config, settings);
    this.accountSid = account.accountSid();
    this.authorization = Credentials.basic(account.user(), account.password().reveal(), StandardCharsets.UTF_8);
    HttpUrl accountUrl = settings.baseUrl().newBuilder()
        .addPathSegments("2010-04-01/Accounts").addPathSegment(accountSid).build();
    this.messagesUrl = accountUrl.newBuilder().addPathSegment("Messages.json").build();
    Secret webhookToken = account.webhookToken();
    this.webhooks = new TwilioWebhooks(webhookToken == null ? null
        : webhookToken.reveal().getBytes(StandardCharsets.UTF_8), settings.publicWebhookBaseUrl(), clock);
    this.ownsClient = base == null;
    this.client = (base == null ? new OkHttpClient.Builder() : base.newBuilder())
        .connectTimeout(settings.connectTimeout())
        .readTimeout(settings.readTimeout())
        .writeTimeout(settings.writeTimeout())
        .callTimeout(settings.callTimeout())
        // A create is not idempotent: OkHttp must neither replay it on a failed connection nor follow a redirect.
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .followSslRedirects(false)
        .build();
    this.lookup = new TwilioLookup(client, authorization, USER_AGENT, settings.baseUrl(), accountUrl, clock,
        "obfuscate".equals(settings.defaults().get("AddressRetention")));
    log.debug("twilio provider for account {} ({}, webhooks {}) at {}", accountSid,
        account.usesApiKey() ? "API key " + account.user() : "auth token",
        webhookToken == null ? "refused: no auth token" : "verified", settings.baseUrl());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProviderCapabilities capabilities() {
    return CAPABILITIES;
  }

  /** The account SID in the request path. */
  public String accountSid() {
    return accountSid;
  }

  /**
   * Checks the typed validity (1 to 36000 whole seconds, sent as {@code ValidityPeriod}) and the raw parameters
   * under {@code twilio}: only those listed in the module README, never the ones smskit sets ({@code To},
   * {@code From}, {@code MessagingServiceSid}, {@code Body}, {@code MediaUrl}, {@code StatusCallback}), nor Twilio's
   * scheduling ({@code SendAt}, {@code ScheduleType}: smskit schedules itself).
   */
  @Override
  public void validateOptions(ProviderOptions options) {
    Objects.requireNonNull(options, "options");
    MessageOptions.validate(options.validity(), options.raw(NAME));
  }

  /**
   * Creates the message at Twilio.
   *
   * @throws ProviderException classified as in the module README's table; {@link Kind#UNSUPPORTED} for more
   *     than 10 media, before any call
   * @throws InvalidInputException for options Twilio would refuse (unknown parameter, bad value, scheduling
   *     without a messaging service), before any call
   */
  @Override
  public SendResult send(OutboundMessage message) {
    Objects.requireNonNull(message, "message");
    Request request = new Request.Builder()
        .url(messagesUrl)
        .header("Authorization", authorization)
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT)
        .post(CreateMessageForm.build(message, settings, clock.instant()))
        .build();
    RequestWritten written = new RequestWritten();
    Call call = client.newCall(request);
    call.addEventListener(written);
    log.debug("twilio send {} to {} ({} media)", message.messageId(), message.to().masked(),
        message.mediaUrls().size());
    try (Response response = call.execute()) {
      if (response.isSuccessful()) {
        return accepted(message, response);
      }
      ProviderException failure = TwilioErrors.fromResponse(response.code(), response.headers(),
          bodyOrEmpty(response), clock.instant());
      log.warn("twilio refused message {}: {}", message.messageId(), failure.getMessage());
      throw failure;
    } catch (IOException e) {
      Kind kind = written.started ? Kind.OUTCOME_UNKNOWN : Kind.RETRYABLE;
      String what = e instanceof InterruptedIOException ? "timed out" : "failed";
      String when = written.started ? "after the request was sent; Twilio may have accepted it"
          : "before the request was sent";
      log.warn("twilio send of message {} {} {} ({})", message.messageId(), what, when, e.toString());
      throw new ProviderException(NAME, kind, null, 0, null, "connection " + what + " " + when + ": " + e, e);
    }
  }

  private SendResult accepted(OutboundMessage message, Response response) {
    String body;
    try {
      body = response.body().string();
    } catch (IOException e) {
      throw unknown(message, "the answer to an accepted request could not be read: " + e, e);
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      json = null;
    }
    String sid = json == null ? null : text(json, "sid");
    if (sid == null) {
      throw unknown(message, "HTTP " + response.code() + " without a message sid", null);
    }
    String twilioStatus = text(json, "status");
    MessageStatus status = twilioStatus == null ? null : status(twilioStatus);
    String price = text(json, "price");
    String unit = text(json, "price_unit");
    Integer segments = segments(text(json, "num_segments"));
    log.debug("twilio accepted message {} as {} ({})", message.messageId(), sid, twilioStatus);
    if (status == null) {
      log.info("twilio accepted message {} as {} with status '{}'; recorded as sending", message.messageId(), sid,
          twilioStatus);
    }
    BigDecimal charged = price(price);
    return SendResult.builder(sid, status == null ? MessageStatus.SENDING : status).segments(segments).price(charged)
        .priceCurrency(charged == null || unit == null ? null : unit.toUpperCase(Locale.ROOT)).rawResponse(body)
        .build();
  }

  /** Twilio reports charges as negative amounts; the SPI wants what was charged as a positive one. */
  static @Nullable BigDecimal price(@Nullable String value) {
    try {
      return value == null ? null : new BigDecimal(value).negate();
    } catch (NumberFormatException e) {
      return null; // the message was accepted: an odd price must not turn that into a failure
    }
  }

  private static ProviderException unknown(OutboundMessage message, String why, @Nullable Throwable cause) {
    log.warn("twilio send of message {}: {}", message.messageId(), why);
    return new ProviderException(NAME, Kind.OUTCOME_UNKNOWN, null, 0, null, why, cause);
  }

  /** {@code num_segments} is a string, and {@code "0"} while a messaging service has not chosen a sender yet. */
  private static @Nullable Integer segments(@Nullable String value) {
    try {
      int n = value == null ? 0 : Integer.parseInt(value);
      return n > 0 ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Our status for one of Twilio's; null for {@code receiving}, {@code received} (inbound statuses) and statuses
   * this version does not know.
   */
  static @Nullable MessageStatus status(String twilioStatus) {
    return switch (twilioStatus) {
      case "accepted", "queued", "sending" -> MessageStatus.SENDING;
      case "sent" -> MessageStatus.SENT;
      // Some parts reached the handset and some not: handed to the carrier, no final word yet.
      case "partially_delivered" -> MessageStatus.SENT;
      case "delivered" -> MessageStatus.DELIVERED;
      case "undelivered" -> MessageStatus.UNDELIVERED;
      case "failed" -> MessageStatus.FAILED;
      case "read" -> MessageStatus.READ;
      case "canceled" -> MessageStatus.CANCELED;
      case "scheduled" -> MessageStatus.SCHEDULED;
      default -> null;
    };
  }

  /**
   * Looks the message up at Twilio: by SID when one is known ({@code GET .../Messages/{Sid}.json}), else by an
   * exhaustive search of the Messages list. {@link LookupResult.NotFound} only on the proof the module README
   * describes; every failure is {@link LookupResult.Unknown}. Prices are positive, as in {@link SendResult}.
   */
  @Override
  public LookupResult lookup(LookupRequest request) {
    return lookup.lookup(request);
  }

  /**
   * Verifies {@code X-Twilio-Signature} against {@link WebhookRequest#url()} (with settings
   * {@code publicWebhookBaseUrl}'s scheme, host, port and path prefix when set) and reads the event.
   */
  @Override
  public WebhookEvent parseWebhook(WebhookRequest request, WebhookContext context) {
    Objects.requireNonNull(request, "request");
    return webhooks.parse(request);
  }

  /** Releases this provider's own client's threads and connections; a shared client is left alone. */
  @Override
  public void close() {
    if (ownsClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "TwilioProvider[" + accountSid + "]";
  }

  private static String bodyOrEmpty(Response response) {
    ResponseBody body = response.body();
    try {
      return body.string();
    } catch (IOException e) {
      return ""; // the status code still classifies the refusal
    }
  }

  static @Nullable String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() || !value.isValueNode() || value.asText().isEmpty() ? null
        : value.asText();
  }

  /** Notes whether OkHttp began writing the request, after which Twilio may have received it. */
  private static final class RequestWritten extends EventListener {
    volatile boolean started;

    @Override
    public void requestHeadersStart(Call call) {
      started = true;
    }
  }
}
