package org.smskit.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.phone.Address;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.OptOutType;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;

/**
 * Verifies Twilio's webhooks and reads them: the inbound-message webhook (no {@code MessageStatus}) and the
 * status callback ({@code MessageStatus} present). Nothing is read from a request before its signature checks.
 */
final class TwilioWebhooks {
  private static final Logger log = LoggerFactory.getLogger(TwilioWebhooks.class);

  /** Sent when a Twilio Webhook Rule signs with a shared key instead of the auth token (public beta). */
  static final String SIGNATURE_SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MEDIA_SID = Pattern.compile("ME[0-9a-fA-F]{32}");

  private final @Nullable byte[] authToken;
  private final @Nullable URI publicBaseUrl;
  private final Clock clock;

  /**
   * @param authToken the account's auth token; null when the configuration has none (an API key alone), and
   *     webhooks, which Twilio signs with the auth token only, are refused
   */
  TwilioWebhooks(@Nullable byte[] authToken, @Nullable URI publicBaseUrl, Clock clock) {
    this.authToken = authToken == null ? null : authToken.clone();
    this.publicBaseUrl = publicBaseUrl;
    this.clock = clock;
  }

  WebhookEvent parse(WebhookRequest request) {
    Map<String, List<String>> parameters = verify(request);
    String raw = request.bodyText().isEmpty() && request.method().equals("GET")
        ? request.url().getRawQuery() == null ? "" : request.url().getRawQuery()
        : request.bodyText();
    String status = first(parameters, "MessageStatus");
    if (status == null) {
      String legacy = first(parameters, "SmsStatus");
      status = legacy == null || legacy.equals("received") || legacy.equals("receiving") ? null : legacy;
    }
    return status == null ? inbound(parameters, raw) : statusUpdate(request.url(), parameters, status, raw);
  }

  /** Checks the signature and returns the parameters the event is read from. */
  private Map<String, List<String>> verify(WebhookRequest request) {
    if (authToken == null) {
      throw new WebhookVerificationException(TwilioProvider.NAME, "Twilio signs webhooks with the account's auth"
          + " token, which this sender account is not configured with (an API key alone sends, but cannot verify)");
    }
    if (request.header(SIGNATURE_SETTINGS_HEADER).isPresent()) {
      throw new WebhookVerificationException(TwilioProvider.NAME, "signed with a Webhook Rule's shared key, which"
          + " this provider does not hold; remove the rule for this URL so that Twilio signs with the auth token");
    }
    String signature = request.header(TwilioSignature.HEADER).orElseThrow(
        () -> new WebhookVerificationException(TwilioProvider.NAME, "missing " + TwilioSignature.HEADER));
    URI url = publicUrl(request.url(), publicBaseUrl);
    Map<String, List<String>> query = request.queryParameters();

    if (query.containsKey(TwilioSignature.BODY_HASH_PARAMETER)) {
      byte[] body = request.body();
      boolean signed = TwilioSignature.matches(authToken, url, Map.of(), signature);
      boolean bodyIntact = TwilioSignature.bodyMatches(body, FormEncoding.first(query,
          TwilioSignature.BODY_HASH_PARAMETER));
      if (!(signed & bodyIntact)) {
        throw rejected(signed ? "body does not match bodySHA256" : "signature does not match", url);
      }
      return jsonParameters(request.bodyText());
    }
    Map<String, List<String>> signedParameters;
    if (request.method().equals("GET")) {
      signedParameters = Map.of(); // everything Twilio sent is in the signed URL
    } else if (request.isForm() || request.body().length == 0) {
      signedParameters = request.formParameters();
    } else {
      // Unsigned content: a body Twilio's signature does not cover must not be read.
      throw rejected("a " + request.header("Content-Type").orElse("body without content type")
          + " without bodySHA256 is not covered by Twilio's signature", url);
    }
    if (!TwilioSignature.matches(authToken, url, signedParameters, signature)) {
      throw rejected("signature does not match", url);
    }
    return request.method().equals("GET") ? query : signedParameters;
  }

  private static WebhookVerificationException rejected(String reason, URI url) {
    log.warn("twilio webhook rejected for {}{}: {}", url.getHost(), url.getRawPath(), reason);
    return new WebhookVerificationException(TwilioProvider.NAME, reason + " (URL checked: " + url.getScheme() + "://"
        + url.getRawAuthority() + url.getRawPath() + "; is it the public URL Twilio called?)");
  }

  /**
   * The URL Twilio called: {@code received} with scheme, host and port from {@code base} and {@code base}'s path,
   * when it has one, put before the received path (for proxies that strip a prefix). Without a base, the received
   * URL as the host declared it.
   */
  static URI publicUrl(URI received, @Nullable URI base) {
    if (base == null) {
      return received;
    }
    String prefix = base.getRawPath() == null ? "" : base.getRawPath();
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    String path = received.getRawPath() == null || received.getRawPath().isEmpty() ? "/" : received.getRawPath();
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + prefix + path
        + (received.getRawQuery() == null ? "" : "?" + received.getRawQuery())
        + (received.getRawFragment() == null ? "" : "#" + received.getRawFragment()));
  }

  private InboundMessageEvent inbound(Map<String, List<String>> p, String raw) {
    String sid = messageSid(p);
    Address from = Address.parse("From", required(p, "From"));
    Address to = Address.parse("To", required(p, "To"));
    List<InboundMedia> media = media(p);
    String body = first(p, "Body");
    OptOutType optOut = optOut(first(p, "OptOutType"));
    log.debug("twilio inbound {} from {} to {} with {} media{}", sid, from.masked(), to.masked(), media.size(),
        optOut == null ? "" : ", opt-out signal " + optOut);
    return InboundMessageEvent.builder(TwilioProvider.NAME, sid, from, to, clock.instant())
        .body(body == null || body.isEmpty() ? null : body).media(media)
        .messagingServiceSid(first(p, "MessagingServiceSid")).optOutType(optOut).rawPayload(raw).build();
  }

  /**
   * Twilio's statuses onto ours. {@code receiving} and {@code received} describe inbound messages, which the
   * inbound webhook reports; on a status callback they change nothing, so they (and statuses Twilio may add later)
   * are acknowledged without an event rather than refused, which would only make Twilio retry.
   */
  private WebhookEvent statusUpdate(URI url, Map<String, List<String>> p, String twilioStatus, String raw) {
    String sid = messageSid(p);
    MessageStatus status = TwilioProvider.status(twilioStatus);
    if (status == null) {
      log.info("twilio status callback for {} with status '{}' acknowledged without an update", sid, twilioStatus);
      return new WebhookEvent.Acknowledged(TwilioProvider.NAME, "Twilio status '" + twilioStatus
          + "' is not a change of an outbound message");
    }
    String errorCode = first(p, "ErrorCode");
    log.debug("twilio status callback for {}: {}{}", sid, twilioStatus, errorCode == null ? "" : " (" + errorCode + ")");
    return StatusUpdateEvent.builder(TwilioProvider.NAME, sid, status, twilioStatus, clock.instant())
        .messageId(messageId(url)).errorCode(errorCode == null || errorCode.isEmpty() ? null : errorCode)
        .rawPayload(raw).build();
  }

  /** Every {@code MediaUrlN}/{@code MediaContentTypeN} pair, N from 0 to {@code NumMedia} - 1. */
  private static List<InboundMedia> media(Map<String, List<String>> p) {
    String declared = first(p, "NumMedia");
    int count;
    if (declared == null || declared.isEmpty()) {
      count = 0;
      while (p.containsKey("MediaUrl" + count)) {
        count++;
      }
    } else {
      try {
        count = Integer.parseInt(declared);
      } catch (NumberFormatException e) {
        throw new InvalidInputException("NumMedia", "must be a whole number");
      }
      if (count < 0) {
        throw new InvalidInputException("NumMedia", "must not be negative");
      }
    }
    List<InboundMedia> media = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String url = required(p, "MediaUrl" + i);
      String type = first(p, "MediaContentType" + i);
      media.add(new InboundMedia(url, type == null || type.isEmpty() ? null : type, mediaSid(url)));
    }
    return media;
  }

  /** Twilio media URLs end in the media SID: {@code .../Messages/MM.../Media/ME...}. */
  static @Nullable String mediaSid(String url) {
    String path = url;
    int end = path.length();
    for (char stop : new char[] {'?', '#'}) {
      int at = path.indexOf(stop);
      end = at >= 0 ? Math.min(end, at) : end;
    }
    path = path.substring(0, end);
    String last = path.substring(path.lastIndexOf('/') + 1);
    return MEDIA_SID.matcher(last).matches() ? last : null;
  }

  private static @Nullable OptOutType optOut(@Nullable String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    return switch (value.toUpperCase(Locale.ROOT)) {
      case "STOP" -> OptOutType.STOP;
      case "START" -> OptOutType.START;
      case "HELP" -> OptOutType.HELP;
      default -> {
        log.info("twilio OptOutType '{}' is not one smskit knows; ignored", value);
        yield null;
      }
    };
  }

  private static @Nullable UUID messageId(URI url) {
    String id = CreateMessageForm.messageIdOf(url);
    if (id == null) {
      return null;
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      log.debug("twilio status callback URL carries a malformed {}; ignored", CreateMessageForm.MESSAGE_ID_PARAMETER);
      return null;
    }
  }

  /** {@code MessageSid}, or its legacy duplicates {@code SmsMessageSid} and {@code SmsSid}. */
  private static String messageSid(Map<String, List<String>> p) {
    for (String name : new String[] {"MessageSid", "SmsMessageSid", "SmsSid"}) {
      String value = first(p, name);
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    throw new InvalidInputException("MessageSid", "is required");
  }

  /** The top-level values of a JSON object body, as the parameters the form variant would carry. */
  private static Map<String, List<String>> jsonParameters(String body) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try {
      JsonNode root = JSON.readTree(body);
      if (root != null && root.isObject()) {
        for (Map.Entry<String, JsonNode> e : root.properties()) {
          if (e.getValue().isValueNode() && !e.getValue().isNull()) {
            out.put(e.getKey(), List.of(e.getValue().asText()));
          }
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException("body", "must be a JSON object");
    }
    return out;
  }

  private static String required(Map<String, List<String>> p, String name) {
    String value = first(p, name);
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(name, "is required");
    }
    return value;
  }

  private static @Nullable String first(Map<String, List<String>> p, String name) {
    return FormEncoding.first(p, name);
  }
}
