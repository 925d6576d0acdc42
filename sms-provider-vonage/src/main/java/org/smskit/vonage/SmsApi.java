package org.smskit.vonage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.phone.Masking;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.core.spi.SendResult;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.Encoding;
import org.smskit.core.text.SmsText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text messages through the SMS API: {@code POST {smsBaseUrl}/sms/json}, a UTF-8 form, one request per message.
 * Vonage splits long texts itself and answers with one {@code messages} entry per part, each with its own id,
 * price and status, always with HTTP 200 (per-message failures included).
 */
final class SmsApi {
  private static final Logger log = LoggerFactory.getLogger(SmsApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded; charset=UTF-8");
  private static final Pattern DIGIT_RUN = Pattern.compile("\\+?[0-9]{6,}");

  /** Per-message options read from {@link OutboundMessage#options()}, by SMS API parameter name. */
  static final List<String> OPTIONS = List.of("ttl", "message-class", "account-ref", "entity-id", "content-id");

  /** One entry of the {@code messages} array. */
  record Part(int status, @Nullable String messageId, @Nullable BigDecimal price,
      @Nullable BigDecimal remainingBalance, @Nullable String network, @Nullable String errorText) {}

  private final Transport transport;
  private final VonageSettings settings;
  private final VonageCredentials credentials;
  private final Clock clock;
  private final HttpUrl endpoint;

  SmsApi(Transport transport, VonageSettings settings, VonageCredentials credentials, Clock clock) {
    this.transport = transport;
    this.settings = settings;
    this.credentials = credentials;
    this.clock = clock;
    this.endpoint = settings.smsBaseUrl().newBuilder().addPathSegments("sms/json").build();
  }

  SendResult send(OutboundMessage message, PhoneNumber to) {
    Map<String, String> form = parameters(message, to);
    Request request = new Request.Builder()
        .url(endpoint)
        .header("Accept", "application/json")
        .post(RequestBody.create(FormEncoding.encode(single(form)).getBytes(StandardCharsets.UTF_8), FORM))
        .build();
    Transport.Answer answer = transport.execute(request, "the SMS API request");
    if (answer.code() != 200) {
      throw transport.httpFailure(answer, null, "the SMS API answered HTTP " + answer.code());
    }
    List<Part> parts = parse(answer.body());
    SendResult result = result(parts, answer.body());
    log.debug("vonage sms to {} accepted in {} part(s): {}", to.masked(), parts.size(), result.partIds());
    return result;
  }

  /** The form, in the order sent; {@code sig} last when signing. */
  Map<String, String> parameters(OutboundMessage message, PhoneNumber to) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("api_key", credentials.apiKey());
    boolean signing = settings.signRequests() && credentials.signature().isPresent();
    if (!signing) {
      form.put("api_secret", credentials.apiSecret().reveal());
    }
    form.put("from", VonageAddresses.toVonage(message.from()));
    form.put("to", VonageAddresses.toVonage(to));
    form.put("text", message.body());
    form.put("type", SmsText.analyze(message.body()).encoding() == Encoding.UCS2 ? "unicode" : "text");
    form.put("client-ref", message.messageId().toString());
    form.put("status-report-req", "true");
    if (message.statusCallbackUrl() != null) {
      form.put("callback", message.statusCallbackUrl().toString());
    }
    for (String option : OPTIONS) {
      String value = message.options().get(option);
      if (value != null) {
        form.put(option, validOption(option, value));
      }
    }
    String ttl = ttl(message.validity(), message.options());
    if (ttl != null) {
      form.put("ttl", ttl);
    }
    if (signing) {
      form.put(SmsSignatures.TIMESTAMP, Long.toString(clock.instant().getEpochSecond()));
      form.put(SmsSignatures.SIG, SmsSignatures.sign(form, settings.signatureMethod(),
          credentials.signature().orElseThrow()));
    }
    return form;
  }

  /** Parameters smskit sets itself: never taken from options. */
  static final java.util.Set<String> CORE = java.util.Set.of("api_key", "api_secret", "from", "to", "text", "type",
      "client-ref", "status-report-req", "callback", SmsSignatures.TIMESTAMP, SmsSignatures.SIG);

  /**
   * Checks options given when a message is accepted: only {@link #OPTIONS}, each by its rule, and the typed
   * validity as {@code ttl}.
   */
  static void validate(@Nullable java.time.Duration validity, Map<String, String> raw) {
    raw.forEach((option, value) -> {
      if (CORE.contains(option)) {
        throw new InvalidInputException("options." + option, "is set by smskit itself, not through options");
      }
      if (!OPTIONS.contains(option)) {
        throw new InvalidInputException("options." + option, "is not a Vonage parameter smskit sends (one of "
            + OPTIONS + ")");
      }
      validOption(option, value);
    });
    ttl(validity, raw);
  }

  /**
   * The {@code ttl} for a typed validity, in milliseconds; null without one.
   *
   * @throws InvalidInputException when it is outside Vonage's range or the raw options give a {@code ttl} too
   */
  static @Nullable String ttl(@Nullable java.time.Duration validity, Map<String, String> raw) {
    if (validity == null) {
      return null;
    }
    if (raw.containsKey("ttl")) {
      throw new InvalidInputException("options.ttl", "is given twice: as the typed validity and as a raw parameter");
    }
    if (validity.compareTo(java.time.Duration.ofSeconds(20)) < 0 || validity.compareTo(java.time.Duration.ofDays(7)) > 0) {
      throw new InvalidInputException("options.validity", "Vonage's ttl must be 20 seconds to 7 days");
    }
    return Long.toString(validity.toMillis());
  }

  private static String validOption(String option, String value) {
    String v = value.strip();
    switch (option) {
      case "ttl" -> {
        // Vonage's range: 20 seconds to 7 days, in milliseconds.
        if (!v.matches("[0-9]{1,10}") || Long.parseLong(v) < 20_000 || Long.parseLong(v) > 604_800_000) {
          throw new InvalidInputException("options.ttl", "must be milliseconds from 20000 to 604800000");
        }
      }
      case "message-class" -> {
        if (!v.matches("[0-3]")) {
          throw new InvalidInputException("options.message-class", "must be 0, 1, 2 or 3");
        }
      }
      default -> {
        if (v.isEmpty() || v.length() > 100) {
          throw new InvalidInputException("options." + option, "must be 1 to 100 characters");
        }
      }
    }
    return v;
  }

  /** Every entry of {@code messages}; an answer we cannot read leaves the outcome unknown. */
  static List<Part> parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw unknown("the SMS API answered HTTP 200 with a body that is not JSON");
    }
    JsonNode messages = root == null ? null : root.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw unknown("the SMS API answered HTTP 200 without a messages array");
    }
    List<Part> parts = new ArrayList<>();
    for (JsonNode entry : messages) {
      String status = text(entry, "status");
      if (status == null || !status.matches("[0-9]{1,9}")) {
        throw unknown("an entry of the SMS API's answer has no numeric status");
      }
      parts.add(new Part(Integer.parseInt(status), text(entry, "message-id"), decimal(entry, "message-price"),
          decimal(entry, "remaining-balance"), text(entry, "network"), text(entry, "error-text")));
    }
    return parts;
  }

  private SendResult result(List<Part> parts, String raw) {
    List<String> accepted = new ArrayList<>();
    Part failed = null;
    for (Part part : parts) {
      if (part.status() == SmsApiStatus.SUCCESS.code() && part.messageId() != null) {
        accepted.add(part.messageId());
      } else if (failed == null) {
        failed = part;
      }
    }
    if (failed != null && failed.status() == SmsApiStatus.SUCCESS.code()) {
      throw unknown("the SMS API reported success without a message-id");
    }
    if (failed != null) {
      String what = SmsApiStatus.meaningOf(failed.status())
          + (failed.errorText() == null ? "" : ": " + masked(failed.errorText()));
      if (accepted.isEmpty()) {
        throw new ProviderException(VonageProvider.NAME, SmsApiStatus.kindOf(failed.status()),
            Integer.toString(failed.status()), 200, null, what, null);
      }
      // Some parts are queued and will be delivered and billed; sending again would repeat them.
      throw new ProviderException(VonageProvider.NAME, Kind.PERMANENT, Integer.toString(failed.status()), 200, null,
          accepted.size() + " of " + parts.size() + " parts were accepted (" + accepted + ") but another failed: "
              + what + "; not retried, since that would send the accepted parts again", null);
    }
    BigDecimal price = null;
    for (Part part : parts) {
      if (part.price() != null) {
        price = price == null ? part.price() : price.add(part.price());
      }
    }
    return SendResult.builder(accepted.get(0), MessageStatus.SENDING).segments(parts.size()).price(price)
        .priceCurrency(price == null ? null : settings.priceCurrency()).partIds(accepted).rawResponse(raw).build();
  }

  /** Vonage's error texts may quote the number; logs and exception messages must not. */
  static String masked(String text) {
    Matcher m = DIGIT_RUN.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(Masking.maskAddress(m.group())));
    }
    return m.appendTail(out).toString();
  }

  private static ProviderException unknown(String message) {
    return new ProviderException(VonageProvider.NAME, Kind.OUTCOME_UNKNOWN, null, 200, null, message, null);
  }

  private static Map<String, List<String>> single(Map<String, String> form) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    form.forEach((k, v) -> out.put(k, List.of(v)));
    return out;
  }

  static @Nullable String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
  }

  static @Nullable BigDecimal decimal(JsonNode node, String field) {
    String value = text(node, field);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return new BigDecimal(value.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
