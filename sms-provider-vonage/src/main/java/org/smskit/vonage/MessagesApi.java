package org.smskit.vonage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.PhoneNumbers;
import org.smskit.core.phone.ShortCode;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.core.spi.SendResult;
import org.smskit.core.status.MessageStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MMS through the Messages API: {@code POST {messagesBaseUrl}/v1/messages}, JSON, HTTP Basic with the API key and
 * secret, answered {@code 202 {"message_uuid": ...}}. One {@code image} per message. Vonage sends MMS only within
 * the US and Canada, from US/Canadian long codes, toll-free numbers and US short codes
 * (developer.vonage.com/en/messages/concepts/mms); anything else is refused here, before any request, as
 * {@link Kind#UNSUPPORTED}.
 */
final class MessagesApi {
  private static final Logger log = LoggerFactory.getLogger(MessagesApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=UTF-8");
  private static final PhoneNumbers PHONES = PhoneNumbers.create();
  private static final Set<String> MMS_REGIONS = Set.of("US", "CA");

  private final Transport transport;
  private final VonageCredentials credentials;
  private final HttpUrl endpoint;

  MessagesApi(Transport transport, VonageSettings settings, VonageCredentials credentials) {
    this.transport = transport;
    this.credentials = credentials;
    this.endpoint = settings.messagesBaseUrl().newBuilder().addPathSegments("v1/messages").build();
  }

  /** @throws ProviderException {@link Kind#UNSUPPORTED} for more than one media, or outside US/Canada MMS */
  static void checkSupported(OutboundMessage message, PhoneNumber to) {
    if (message.mediaUrls().size() > 1) {
      // Splitting into several MMS would bill and deliver several messages the caller did not ask for.
      throw unsupported("Vonage MMS carries one image per message; this one has " + message.mediaUrls().size()
          + " media (send them as separate messages)");
    }
    if (!inMmsRegion(to)) {
      throw unsupported("Vonage sends MMS only to US and Canadian numbers");
    }
    Address from = message.from();
    boolean senderOk = from instanceof ShortCode || (from instanceof PhoneNumber number && inMmsRegion(number));
    if (!senderOk) {
      throw unsupported("Vonage sends MMS only from US/Canadian numbers and US short codes, not from "
          + (from == null ? "a messaging service" : from.getClass().getSimpleName()));
    }
  }

  SendResult send(OutboundMessage message, PhoneNumber to) {
    checkSupported(message, to);
    String json = body(message, to);
    Request request = new Request.Builder()
        .url(endpoint)
        .header("Authorization", Credentials.basic(credentials.apiKey(), credentials.apiSecret().reveal(),
            StandardCharsets.UTF_8))
        .header("Accept", "application/json")
        .post(RequestBody.create(json.getBytes(StandardCharsets.UTF_8), JSON_TYPE))
        .build();
    Transport.Answer answer = transport.execute(request, "the Messages API request");
    if (answer.code() < 200 || answer.code() > 299) {
      Problem problem = Problem.parse(answer.body());
      throw transport.httpFailure(answer, problem.code(), "the Messages API answered HTTP " + answer.code()
          + (problem.text() == null ? "" : ": " + SmsApi.masked(problem.text())));
    }
    String uuid = messageUuid(answer.body());
    log.debug("vonage mms to {} accepted as {}", to.masked(), uuid);
    return SendResult.builder(uuid, MessageStatus.SENDING).segments(1).rawResponse(answer.body()).build();
  }

  String body(OutboundMessage message, PhoneNumber to) {
    ObjectNode root = JSON.createObjectNode();
    root.put("message_type", "image");
    ObjectNode image = root.putObject("image");
    image.put("url", message.mediaUrls().get(0).toString());
    if (message.body() != null && !message.body().isEmpty()) {
      image.put("caption", message.body());
    }
    root.put("to", VonageAddresses.toVonage(to));
    root.put("from", VonageAddresses.toVonage(message.from()));
    root.put("channel", "mms");
    root.put("client_ref", message.messageId().toString());
    if (message.statusCallbackUrl() != null) {
      root.put("webhook_url", message.statusCallbackUrl().toString());
      root.put("webhook_version", "v1");
    }
    String ttl = message.options().get("ttl");
    if (ttl != null) {
      if (!ttl.strip().matches("[0-9]{1,10}") || Long.parseLong(ttl.strip()) < 1) {
        throw new InvalidInputException("options.ttl", "must be a positive number of milliseconds");
      }
      root.put("ttl", Long.parseLong(ttl.strip()));
    }
    String validity = SmsApi.ttl(message.validity(), message.options());
    if (validity != null) {
      root.put("ttl", Long.parseLong(validity));
    }
    return root.toString();
  }

  private static boolean inMmsRegion(PhoneNumber number) {
    try {
      String region = PHONES.details(number).regionCode();
      return region != null && MMS_REGIONS.contains(region);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String messageUuid(String body) {
    try {
      JsonNode uuid = JSON.readTree(body).path("message_uuid");
      if (uuid.isTextual() && !uuid.asText().isBlank()) {
        return uuid.asText();
      }
    } catch (IOException e) {
      // fall through: accepted, but we cannot tell which message it became
    }
    throw new ProviderException(VonageProvider.NAME, Kind.OUTCOME_UNKNOWN, null, 202, null,
        "the Messages API accepted the request but its answer has no message_uuid", null);
  }

  private static ProviderException unsupported(String message) {
    return new ProviderException(VonageProvider.NAME, Kind.UNSUPPORTED, null, message);
  }

  /** An RFC 7807 error body: the code is the fragment of {@code type} ({@code ...#1000}) or else its title. */
  record Problem(@Nullable String code, @Nullable String text) {
    static Problem parse(String body) {
      try {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) {
          return new Problem(null, null);
        }
        String type = root.path("type").asText(null);
        String title = root.path("title").asText(null);
        String detail = root.path("detail").asText(null);
        String code = type != null && type.contains("#") ? type.substring(type.indexOf('#') + 1) : title;
        String text = title == null ? detail : detail == null ? title : title + " (" + detail + ")";
        return new Problem(code == null || code.isBlank() ? null : code, text);
      } catch (IOException e) {
        return new Problem(null, null);
      }
    }
  }
}
