package org.smskit.twilio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;

/**
 * The provider settings of one Twilio sender account, read from {@code sms_sender_accounts.settings}. Every key
 * is optional; unknown keys are refused so that a typo does not silently change behaviour. The keys and their
 * defaults are listed in the module README.
 *
 * @param accountSid the {@code AC...} account SID for the URL path, needed when the sender account's SID is an
 *     API key ({@code SK...})
 * @param apiKeySid an API key ({@code SK...}) to send with; its secret is the secret setting {@code apiKeySecret}
 * @param defaults message parameters applied to every send unless the message's options override them, keyed by
 *     Twilio's parameter names
 */
record TwilioSettings(
    @Nullable String accountSid,
    @Nullable String apiKeySid,
    HttpUrl baseUrl,
    Duration connectTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    Duration callTimeout,
    @Nullable URI publicWebhookBaseUrl,
    @Nullable URI statusCallbackUrl,
    boolean statusCallbackMessageId,
    Map<String, String> defaults) {

  static final HttpUrl DEFAULT_BASE_URL = HttpUrl.get("https://api.twilio.com");
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EDGE_OR_REGION = Pattern.compile("[a-z][a-z0-9-]{0,30}");

  /** Settings keys that are defaults for Twilio message parameters, and the parameter each one sets. */
  private static final Map<String, String> MESSAGE_DEFAULTS = Map.of(
      "validityPeriod", "ValidityPeriod",
      "shortenUrls", "ShortenUrls",
      "smartEncoded", "SmartEncoded",
      "sendAsMms", "SendAsMms",
      "contentRetention", "ContentRetention",
      "addressRetention", "AddressRetention",
      "riskCheck", "RiskCheck");

  /** The auth token is the sender account's token, never a setting. */
  private static final String AUTH_TOKEN = "authToken";
  private static final Set<String> KEYS = Set.of("accountSid", "apiKeySid", "baseUrl", "region", "edge", "connectTimeoutMillis",
      "readTimeoutMillis", "writeTimeoutMillis", "callTimeoutMillis", "publicWebhookBaseUrl", "statusCallbackUrl",
      "statusCallbackMessageId");

  TwilioSettings {
    defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults)); // keeps the parameter order
  }

  /**
   * Reads the settings JSON.
   *
   * @throws InvalidInputException naming {@code settings.<key>} for a malformed or unknown key
   */
  static TwilioSettings parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json == null || json.isBlank() ? "{}" : json);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("settings", "must be a JSON object");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("settings", "must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (TwilioAccount.SECRET_SETTINGS.contains(name)) {
        throw new InvalidInputException("settings." + name, "is a secret: it must be registered as a secret setting"
            + " (stored encrypted), never in the plain settings");
      }
      if (name.equals(AUTH_TOKEN)) {
        throw new InvalidInputException("settings." + name, "is a secret: it must be registered as the sender"
            + " account's auth token (stored encrypted), never in the plain settings");
      }
      if (!KEYS.contains(name) && !MESSAGE_DEFAULTS.containsKey(name)) {
        throw new InvalidInputException("settings." + name, "is not a Twilio setting (see the sms-provider-twilio"
            + " README for the keys)");
      }
    }

    String accountSid = text(root, "accountSid");
    if (accountSid != null && !TwilioAccount.ACCOUNT_SID.matcher(accountSid).matches()) {
      throw new InvalidInputException("settings.accountSid", "must be an account SID (AC and 32 hex digits)");
    }
    String apiKeySid = text(root, "apiKeySid");
    if (apiKeySid != null && !TwilioAccount.API_KEY_SID.matcher(apiKeySid).matches()) {
      throw new InvalidInputException("settings.apiKeySid", "must be an API key SID (SK and 32 hex digits)");
    }

    Map<String, String> defaults = new LinkedHashMap<>();
    Map<String, String> keyOfParameter = new LinkedHashMap<>();
    MESSAGE_DEFAULTS.forEach((key, parameter) -> {
      keyOfParameter.put(parameter, "settings." + key);
      JsonNode value = root.get(key);
      if (value != null && !value.isNull()) {
        if (!value.isValueNode()) {
          throw new InvalidInputException("settings." + key, "must be a string, number or boolean");
        }
        defaults.put(parameter, value.asText());
      }
    });

    return new TwilioSettings(
        accountSid,
        apiKeySid,
        baseUrl(root),
        millis(root, "connectTimeoutMillis", DEFAULT_CONNECT_TIMEOUT),
        millis(root, "readTimeoutMillis", DEFAULT_READ_TIMEOUT),
        millis(root, "writeTimeoutMillis", DEFAULT_WRITE_TIMEOUT),
        millis(root, "callTimeoutMillis", Duration.ZERO),
        publicWebhookBaseUrl(root),
        httpUri(root, "statusCallbackUrl"),
        bool(root, "statusCallbackMessageId", true),
        MessageOptions.normalize(defaults, keyOfParameter::get));
  }

  /** Twilio's own rule (twilio-java {@code IRequest.buildURL}): {@code api.{edge}.{region}.twilio.com}. */
  private static HttpUrl baseUrl(JsonNode root) {
    String base = text(root, "baseUrl");
    String region = text(root, "region");
    String edge = text(root, "edge");
    if (base != null && (region != null || edge != null)) {
      throw new InvalidInputException("settings.baseUrl", "give either baseUrl or region/edge, not both");
    }
    if (base != null) {
      HttpUrl url = HttpUrl.parse(base);
      if (url == null || !url.encodedPath().equals("/") || url.query() != null) {
        throw new InvalidInputException("settings.baseUrl",
            "must be an http(s) URL without path or query, such as https://api.twilio.com");
      }
      return url;
    }
    if (region == null && edge == null) {
      return DEFAULT_BASE_URL;
    }
    checkName("settings.region", region);
    checkName("settings.edge", edge);
    String host = "api" + (edge == null ? "" : "." + edge) + "." + (region == null ? "us1" : region) + ".twilio.com";
    return new HttpUrl.Builder().scheme("https").host(host).build();
  }

  private static void checkName(String field, @Nullable String value) {
    if (value != null && !EDGE_OR_REGION.matcher(value).matches()) {
      throw new InvalidInputException(field, "must be a Twilio edge or region name such as dublin or ie1");
    }
  }

  private static @Nullable URI publicWebhookBaseUrl(JsonNode root) {
    URI uri = httpUri(root, "publicWebhookBaseUrl");
    if (uri != null && (uri.getRawQuery() != null || uri.getRawFragment() != null)) {
      throw new InvalidInputException("settings.publicWebhookBaseUrl",
          "must be scheme://host[:port][/path-prefix], without query or fragment");
    }
    return uri;
  }

  private static @Nullable URI httpUri(JsonNode root, String key) {
    String value = text(root, key);
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value);
      if (!uri.isAbsolute() || uri.getHost() == null
          || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
        throw new InvalidInputException("settings." + key, "must be an absolute http(s) URL");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new InvalidInputException("settings." + key, "must be an absolute http(s) URL");
    }
  }

  private static Duration millis(JsonNode root, String key, Duration fallback) {
    JsonNode value = root.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
      throw new InvalidInputException("settings." + key, "must be a whole number of milliseconds, 0 or more");
    }
    return Duration.ofMillis(value.asLong());
  }

  private static boolean bool(JsonNode root, String key, boolean fallback) {
    JsonNode value = root.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw new InvalidInputException("settings." + key, "must be true or false");
    }
    return value.asBoolean();
  }

  private static @Nullable String text(JsonNode root, String key) {
    JsonNode value = root.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new InvalidInputException("settings." + key, "must be a non-empty string");
    }
    return value.asText().strip();
  }
}
