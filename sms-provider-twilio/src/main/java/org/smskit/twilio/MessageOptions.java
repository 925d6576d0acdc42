package org.smskit.twilio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;

/**
 * The optional parameters of Twilio's Create Message call that a sender may set, per message
 * ({@code OutboundMessage.options()}, keyed by Twilio's parameter names) or as account defaults (settings). Each is
 * checked here so that a bad value fails before any call instead of as a Twilio 400.
 */
final class MessageOptions {
  private MessageOptions() {}

  /** Every parameter this provider sends besides the core ones, in the order they appear in the form. */
  static final List<String> PARAMETERS = List.of("ValidityPeriod", "SendAt", "ScheduleType", "ShortenUrls",
      "SmartEncoded", "SendAsMms", "ContentRetention", "AddressRetention", "RiskCheck", "ProvideFeedback", "Attempt",
      "ForceDelivery", "ApplicationSid", "ContentSid", "ContentVariables");

  /** Set through {@code OutboundMessage}'s own fields, never through options. */
  private static final Set<String> CORE = Set.of("To", "From", "MessagingServiceSid", "Body", "MediaUrl",
      "StatusCallback");

  static final int MAX_VALIDITY_PERIOD = 36_000;

  /** Twilio schedules with these; smskit schedules itself ({@code SendRequest.sendAt}), so queued options refuse them. */
  private static final Set<String> SCHEDULING = Set.of("SendAt", "ScheduleType");

  /**
   * Checks options given when a message is accepted ({@code SmsProvider.validateOptions}): the raw parameters as
   * {@link #normalize} does, Twilio's own scheduling refused, and the typed validity as {@code ValidityPeriod}.
   */
  static void validate(@org.smskit.core.Nullable java.time.Duration validity, Map<String, String> raw) {
    for (String name : raw.keySet()) {
      if (SCHEDULING.contains(name)) {
        throw new InvalidInputException("options." + name, "smskit schedules messages itself: give the request a"
            + " send-at time instead");
      }
    }
    normalize(raw, name -> "options." + name);
    validityPeriod(validity, raw);
  }

  /**
   * The {@code ValidityPeriod} for a typed validity, in whole seconds; null without one.
   *
   * @throws InvalidInputException when it is not 1 to 36000 whole seconds, or the raw options give one too
   */
  static @org.smskit.core.Nullable String validityPeriod(@org.smskit.core.Nullable java.time.Duration validity,
      Map<String, String> raw) {
    if (validity == null) {
      return null;
    }
    if (raw.containsKey("ValidityPeriod")) {
      throw new InvalidInputException("options.ValidityPeriod", "is given twice: as the typed validity and as a"
          + " raw parameter");
    }
    if (validity.toNanosPart() != 0 || validity.getSeconds() < 1 || validity.getSeconds() > MAX_VALIDITY_PERIOD) {
      throw new InvalidInputException("options.validity", "Twilio's ValidityPeriod must be 1 to "
          + MAX_VALIDITY_PERIOD + " whole seconds");
    }
    return Long.toString(validity.getSeconds());
  }
  private static final Pattern APPLICATION_SID = Pattern.compile("AP[0-9a-fA-F]{32}");
  private static final Pattern CONTENT_SID = Pattern.compile("HX[0-9a-fA-F]{32}");
  private static final DateTimeFormatter SEND_AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Checks every option and returns them with canonical values ({@code true}/{@code false}, lower-case enums,
   * {@code SendAt} in UTC as {@code 2030-01-02T03:04:05Z}), in {@link #PARAMETERS} order.
   *
   * @param field the field name an error names for a parameter
   * @throws InvalidInputException naming the field of the first bad option
   */
  static Map<String, String> normalize(Map<String, String> options, Function<String, String> field) {
    for (String name : options.keySet()) {
      if (CORE.contains(name)) {
        throw new InvalidInputException(field.apply(name), "is set through the message itself, not its options");
      }
      if (!PARAMETERS.contains(name)) {
        throw new InvalidInputException(field.apply(name), "is not a Twilio message parameter this provider sends"
            + " (one of " + PARAMETERS + ")");
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : PARAMETERS) {
      String value = options.get(name);
      if (value != null) {
        out.put(name, canonical(name, value.strip(), field.apply(name)));
      }
    }
    return out;
  }

  private static String canonical(String name, String value, String field) {
    return switch (name) {
      case "ValidityPeriod" -> String.valueOf(integer(value, 1, MAX_VALIDITY_PERIOD, field));
      case "Attempt" -> String.valueOf(integer(value, 1, Integer.MAX_VALUE, field));
      case "SendAt" -> SEND_AT.format(instant(value, field));
      case "ScheduleType" -> oneOf(value, field, "fixed");
      case "ShortenUrls", "SmartEncoded", "SendAsMms", "ProvideFeedback", "ForceDelivery" ->
          oneOf(value, field, "true", "false");
      case "ContentRetention" -> oneOf(value, field, "retain", "discard");
      case "AddressRetention" -> oneOf(value, field, "retain", "obfuscate");
      case "RiskCheck" -> oneOf(value, field, "enable", "disable");
      case "ApplicationSid" -> matching(value, APPLICATION_SID, field, "an application SID (AP and 32 hex digits)");
      case "ContentSid" -> matching(value, CONTENT_SID, field, "a content SID (HX and 32 hex digits)");
      case "ContentVariables" -> jsonObject(value, field);
      default -> throw new IllegalStateException("no rule for " + name);
    };
  }

  /** The moment in a canonical {@code SendAt} value. */
  static Instant sendAt(String canonical) {
    return Instant.parse(canonical);
  }

  private static int integer(String value, int min, int max, String field) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException(field, "must be a whole number from " + min + " to " + max);
  }

  private static Instant instant(String value, String field) {
    try {
      return OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(field, "must be an ISO-8601 date-time with offset, such as"
          + " 2030-01-02T03:04:05Z");
    }
  }

  private static String oneOf(String value, String field, String... allowed) {
    String lower = value.toLowerCase(Locale.ROOT);
    for (String candidate : allowed) {
      if (candidate.equals(lower)) {
        return candidate;
      }
    }
    throw new InvalidInputException(field, "must be one of " + String.join(", ", allowed));
  }

  private static String matching(String value, Pattern pattern, String field, String what) {
    if (!pattern.matcher(value).matches()) {
      throw new InvalidInputException(field, "must be " + what);
    }
    return value;
  }

  private static String jsonObject(String value, String field) {
    try {
      if (JSON.readTree(value).isObject()) {
        return value;
      }
    } catch (JsonProcessingException e) {
      // reported below
    }
    throw new InvalidInputException(field, "must be a JSON object");
  }
}
