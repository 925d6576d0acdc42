package org.smskit.core.simulated;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.model.StoredEnum;
import org.smskit.core.phone.Address;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderCapabilities;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.SmsText;

/**
 * A provider that needs no vendor account, for development and tests. It accepts sends (unless its
 * {@link SimulatedNetwork} was told to fail one), assigns ids, and produces delivery callbacks and inbound
 * messages as signed form-encoded webhooks that go through the same {@link #parseWebhook} path as a real
 * provider's.
 *
 * <p>Signature: header {@value #SIGNATURE_HEADER} = base64(HMAC-SHA256(auth token, url + "\n" + body)).
 */
public final class SimulatedProvider implements SmsProvider {
  public static final String NAME = "simulated";
  public static final String SIGNATURE_HEADER = "X-Smskit-Signature";

  /** Why the token is required: it is the HMAC key of the simulated webhook signatures. */
  static final String TOKEN_RULE = "is required: the simulated provider signs webhooks with it";

  private static final ProviderCapabilities CAPABILITIES =
      ProviderCapabilities.builder().mms(true).unicode(true).messagingServices(true).maxMediaPerMessage(10).build();

  private final String accountSid;
  private final byte[] key;
  private final SimulatedNetwork network;
  private final Clock clock;

  SimulatedProvider(ProviderConfig config, SimulatedNetwork network) {
    this.clock = config.clock();
    this.accountSid = config.accountSid() == null ? "SIM" : config.accountSid();
    this.key = config.token()
        .orElseThrow(() -> new InvalidInputException("auth_token", TOKEN_RULE))
        .reveal().getBytes(StandardCharsets.UTF_8);
    this.network = network;
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
   * Accepts a validity of up to one day and any raw parameter except those smskit sets itself ({@code to},
   * {@code from}, {@code body}, {@code callback}, in any case); it sends nothing with them.
   */
  @Override
  public void validateOptions(ProviderOptions options) {
    if (options.validity() != null && options.validity().compareTo(java.time.Duration.ofDays(1)) > 0) {
      throw new InvalidInputException("options.validity", "must be at most 1 day");
    }
    for (String parameter : options.raw(NAME).keySet()) {
      if (java.util.Set.of("to", "from", "body", "callback").contains(parameter.toLowerCase(java.util.Locale.ROOT))) {
        throw new InvalidInputException("options." + parameter, "is set by smskit itself, not through options");
      }
    }
  }

  @Override
  public SendResult send(OutboundMessage message) {
    if (message.mediaUrls().size() > CAPABILITIES.maxMediaPerMessage()) {
      throw new ProviderException(NAME, ProviderException.Kind.UNSUPPORTED, null,
          "at most " + CAPABILITIES.maxMediaPerMessage() + " media per message");
    }
    SimulatedNetwork.Failure failure = network.nextFailure();
    if (failure != null && !failure.afterAccepting()) {
      throw failure.error();
    }
    String id = "SM" + HexFormat.of().formatHex(randomBytes(16));
    network.record(new SimulatedNetwork.Sent(id, accountSid, message), this);
    if (failure != null) {
      throw failure.error(); // accepted, but the answer is lost on its way back
    }
    int segments = message.body() == null || message.body().isEmpty() ? 1
        : Math.max(1, SmsText.analyze(message.body()).segments());
    return SendResult.builder(id, MessageStatus.SENDING).segments(segments)
        .rawResponse("{\"id\":\"" + id + "\",\"status\":\"sending\"}").build();
  }

  /**
   * Looks a message up in the network's records, which are complete: a message it has no record of (by our id,
   * which it keeps as the client reference) was provably never accepted.
   */
  @Override
  public LookupResult lookup(LookupRequest request) {
    if (!network.lookupsAnswer()) {
      return new LookupResult.Unknown("the simulated lookup is switched off");
    }
    for (SimulatedNetwork.Sent sent : network.sent()) {
      boolean same = request.knownProviderId().map(sent.providerMessageId()::equals)
          .orElse(sent.message().messageId().equals(request.messageId()));
      if (same) {
        return LookupResult.Found.builder(sent.providerMessageId(), MessageStatus.SENT, "sent")
            .rawResponse("{\"id\":\"" + sent.providerMessageId() + "\",\"status\":\"sent\"}").build();
      }
    }
    return new LookupResult.NotFound("no message " + request.messageId() + " among the "
        + network.sent().size() + " the simulated network accepted");
  }

  /** The signed webhook with which this provider reports that {@code providerMessageId} reached {@code status}. */
  public WebhookRequest statusCallback(URI webhookUrl, String providerMessageId, MessageStatus status,
      @Nullable String errorCode) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("EventType", List.of("status"));
    form.put("AccountSid", List.of(accountSid));
    form.put("MessageId", List.of(providerMessageId));
    form.put("Status", List.of(status.dbValue()));
    form.put("Timestamp", List.of(clock.instant().toString()));
    network.sent().stream().filter(s -> s.providerMessageId().equals(providerMessageId)).findFirst()
        .ifPresent(s -> form.put("ClientReference", List.of(s.message().messageId().toString())));
    if (errorCode != null) {
      form.put("ErrorCode", List.of(errorCode));
    }
    return signed(webhookUrl, form);
  }

  /** The signed webhook with which this provider delivers a message from {@code from} to our {@code to}. */
  public WebhookRequest inboundMessage(URI webhookUrl, Address from, Address to, @Nullable String body,
      List<InboundMedia> media) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("EventType", List.of("inbound"));
    form.put("AccountSid", List.of(accountSid));
    form.put("MessageId", List.of("SM" + HexFormat.of().formatHex(randomBytes(16))));
    form.put("From", List.of(from.value()));
    form.put("To", List.of(to.value()));
    form.put("Body", List.of(body == null ? "" : body));
    form.put("Timestamp", List.of(clock.instant().toString()));
    for (int i = 0; i < media.size(); i++) {
      InboundMedia m = media.get(i);
      form.put("MediaUrl" + i, List.of(m.url()));
      if (m.contentType() != null) {
        form.put("MediaContentType" + i, List.of(m.contentType()));
      }
      if (m.providerMediaId() != null) {
        form.put("MediaId" + i, List.of(m.providerMediaId()));
      }
    }
    return signed(webhookUrl, form);
  }

  @Override
  public WebhookEvent parseWebhook(WebhookRequest request, WebhookContext context) {
    String signature = request.header(SIGNATURE_HEADER)
        .orElseThrow(() -> new WebhookVerificationException(NAME, "missing " + SIGNATURE_HEADER));
    byte[] expected = sign(request.url(), request.bodyText()).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
      throw new WebhookVerificationException(NAME, "signature does not match");
    }
    Map<String, List<String>> form = request.formParameters();
    String raw = request.bodyText();
    String type = required(form, "EventType");
    Instant at = Instant.parse(required(form, "Timestamp"));
    return switch (type) {
      case "status" -> {
        String id = required(form, "MessageId");
        String reference = FormEncoding.first(form, "ClientReference");
        UUID messageId = reference == null ? null : UUID.fromString(reference);
        String status = required(form, "Status");
        yield StatusUpdateEvent.builder(NAME, id, StoredEnum.fromDb(MessageStatus.class, "Status", status), status, at)
            .messageId(messageId).errorCode(FormEncoding.first(form, "ErrorCode")).rawPayload(raw).build();
      }
      case "inbound" -> {
        List<InboundMedia> media = new ArrayList<>();
        for (int i = 0; form.containsKey("MediaUrl" + i); i++) {
          media.add(new InboundMedia(FormEncoding.first(form, "MediaUrl" + i),
              FormEncoding.first(form, "MediaContentType" + i), FormEncoding.first(form, "MediaId" + i)));
        }
        String body = FormEncoding.first(form, "Body");
        yield InboundMessageEvent.builder(NAME, required(form, "MessageId"),
                Address.parse("From", required(form, "From")), Address.parse("To", required(form, "To")), at)
            .body(body == null || body.isEmpty() ? null : body).media(media).rawPayload(raw).build();
      }
      default -> throw new InvalidInputException("EventType", "must be status or inbound");
    };
  }

  private WebhookRequest signed(URI url, Map<String, List<String>> form) {
    String body = FormEncoding.encode(form);
    return WebhookRequest.form(url, Map.of(SIGNATURE_HEADER, sign(url, body)), form);
  }

  private String sign(URI url, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal((url + "\n" + body).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static String required(Map<String, List<String>> form, String name) {
    String value = FormEncoding.first(form, name);
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(name, "is required");
    }
    return value;
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
