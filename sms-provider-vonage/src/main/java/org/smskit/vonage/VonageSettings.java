package org.smskit.vonage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;

/**
 * The provider settings of one Vonage sender account, read from {@code sms_sender_accounts.settings}. Every key is
 * optional; unknown keys are refused so that a typo does not silently change behaviour. Secrets never live here:
 * the signature secret is the encrypted secret setting {@code signatureSecret}, which reaches the provider through
 * {@link org.smskit.core.spi.ProviderConfig#secrets()}, or comes from the environment variable named by
 * {@code signatureSecretEnv} (see the module README).
 *
 * @param signatureMethod the dashboard's signature method for SMS API signatures
 * @param signatureSecretEnv the environment variable that holds the signature secret, instead of the secret setting
 * @param signRequests sign SMS API requests ({@code sig}) instead of sending the API secret, when a signature
 *     secret is configured
 * @param allowUnsignedWebhooks accept webhooks that carry no signature (and, without a signature secret, any)
 * @param webhookTolerance how far a webhook's {@code timestamp} or JWT {@code iat}/{@code exp} may be from now
 * @param concatPartsTtl how long parts of a concatenated inbound SMS wait for the rest
 * @param priceCurrency the account's currency, since the SMS API's prices do not name one
 * @param reportsApi look messages up with Vonage's Reports API, a paid product that must be enabled for the account
 * @param reportsBaseUrl where the Reports API is; requests go to {@code {reportsBaseUrl}/v2/reports/records}
 */
record VonageSettings(
    HttpUrl smsBaseUrl,
    HttpUrl messagesBaseUrl,
    SignatureMethod signatureMethod,
    @Nullable String signatureSecretEnv,
    boolean signRequests,
    boolean allowUnsignedWebhooks,
    Duration webhookTolerance,
    Duration concatPartsTtl,
    Duration connectTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    Duration callTimeout,
    @Nullable String priceCurrency,
    boolean reportsApi,
    HttpUrl reportsBaseUrl) {

  static final HttpUrl DEFAULT_SMS_BASE_URL = HttpUrl.get("https://rest.nexmo.com/");
  static final HttpUrl DEFAULT_MESSAGES_BASE_URL = HttpUrl.get("https://api.nexmo.com/");
  static final HttpUrl DEFAULT_REPORTS_BASE_URL = HttpUrl.get("https://api.nexmo.com/");
  static final Duration DEFAULT_WEBHOOK_TOLERANCE = Duration.ofMinutes(5);
  static final Duration DEFAULT_CONCAT_PARTS_TTL = Duration.ofHours(24);
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Set<String> KEYS = Set.of("smsBaseUrl", "messagesBaseUrl", "signatureMethod",
      "signatureSecretEnv", "signRequests", "allowUnsignedWebhooks", "webhookToleranceSeconds",
      "concatPartsTtlSeconds", "connectTimeoutMillis", "readTimeoutMillis", "writeTimeoutMillis",
      "callTimeoutMillis", "priceCurrency", "reportsApi", "reportsBaseUrl");
  /** The API secret is the sender account's auth token, never a setting. */
  private static final String API_SECRET = "apiSecret";

  /**
   * Reads the settings JSON.
   *
   * @throws InvalidInputException naming {@code settings.<key>} for a malformed or unknown key
   */
  static VonageSettings parse(@Nullable String json) {
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
      if (name.equals(VonageCredentials.SIGNATURE_SECRET)) {
        throw new InvalidInputException("settings." + name,
            "is a secret: it must be registered as a secret setting (stored encrypted), never in the plain settings");
      }
      if (name.equals(API_SECRET)) {
        throw new InvalidInputException("settings." + name, "is a secret: it must be registered as the sender"
            + " account's auth token (stored encrypted), never in the plain settings");
      }
      if (!KEYS.contains(name)) {
        throw new InvalidInputException("settings." + name,
            "is not a Vonage setting (see the sms-provider-vonage README for the keys)");
      }
    }
    String method = text(root, "signatureMethod");
    String env = text(root, "signatureSecretEnv");
    if (env != null && !ENV_NAME.matcher(env).matches()) {
      throw new InvalidInputException("settings.signatureSecretEnv", "must be an environment variable name");
    }
    String currency = text(root, "priceCurrency");
    if (currency != null && !CURRENCY.matcher(currency).matches()) {
      throw new InvalidInputException("settings.priceCurrency", "must be an ISO 4217 code such as EUR");
    }
    Duration tolerance = seconds(root, "webhookToleranceSeconds", DEFAULT_WEBHOOK_TOLERANCE);
    Duration ttl = seconds(root, "concatPartsTtlSeconds", DEFAULT_CONCAT_PARTS_TTL);
    if (tolerance.isZero() || ttl.isZero()) {
      throw new InvalidInputException(tolerance.isZero() ? "settings.webhookToleranceSeconds"
          : "settings.concatPartsTtlSeconds", "must be at least 1");
    }
    return new VonageSettings(
        baseUrl(root, "smsBaseUrl", DEFAULT_SMS_BASE_URL),
        baseUrl(root, "messagesBaseUrl", DEFAULT_MESSAGES_BASE_URL),
        method == null ? SignatureMethod.MD5HASH : SignatureMethod.fromSetting("settings.signatureMethod", method),
        env,
        bool(root, "signRequests", true),
        bool(root, "allowUnsignedWebhooks", false),
        tolerance,
        ttl,
        millis(root, "connectTimeoutMillis", DEFAULT_CONNECT_TIMEOUT),
        millis(root, "readTimeoutMillis", DEFAULT_READ_TIMEOUT),
        millis(root, "writeTimeoutMillis", DEFAULT_WRITE_TIMEOUT),
        millis(root, "callTimeoutMillis", DEFAULT_CALL_TIMEOUT),
        currency,
        bool(root, "reportsApi", false),
        baseUrl(root, "reportsBaseUrl", DEFAULT_REPORTS_BASE_URL));
  }

  private static HttpUrl baseUrl(JsonNode root, String key, HttpUrl fallback) {
    String value = text(root, key);
    if (value == null) {
      return fallback;
    }
    HttpUrl url = HttpUrl.parse(value);
    if (url == null || url.query() != null || url.fragment() != null) {
      throw new InvalidInputException("settings." + key,
          "must be an http(s) URL without query, such as " + fallback);
    }
    return url;
  }

  private static Duration millis(JsonNode root, String key, Duration fallback) {
    return Duration.ofMillis(whole(root, key, fallback.toMillis(), "milliseconds"));
  }

  private static Duration seconds(JsonNode root, String key, Duration fallback) {
    return Duration.ofSeconds(whole(root, key, fallback.toSeconds(), "seconds"));
  }

  private static long whole(JsonNode root, String key, long fallback, String unit) {
    JsonNode value = root.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
      throw new InvalidInputException("settings." + key, "must be a whole number of " + unit + ", 0 or more");
    }
    return value.asLong();
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
