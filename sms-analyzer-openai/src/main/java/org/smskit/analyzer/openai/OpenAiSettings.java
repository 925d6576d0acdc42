package org.smskit.analyzer.openai;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;

/**
 * The settings of one analyzer, read from {@link org.smskit.core.analysis.AnalyzerConfig#settings()}. Every value is
 * a string; unknown keys are refused so that a typo does not silently change behaviour. The keys and their defaults
 * are listed in the module README.
 *
 * @param chatCompletions {@code {baseUrl}/chat/completions}
 * @param temperature sent only when set: reasoning models refuse a temperature other than their default
 * @param maxTokens sent as {@code max_tokens} only when set
 * @param maxChars the budget of the conversation text sent (the user message), in characters
 */
record OpenAiSettings(HttpUrl chatCompletions, String model, Duration timeout, int maxAttempts,
    @Nullable Double temperature, @Nullable Integer maxTokens, int maxChars, ResponseFormat responseFormat) {

  static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  static final String API_KEY = "apiKey";

  private static final Set<String> KEYS = Set.of("baseUrl", "model", "timeoutSeconds", "maxAttempts", "temperature",
      "maxTokens", "maxChars", "responseFormat");

  /** How the answer's shape is asked for. */
  enum ResponseFormat {
    /** {@code json_schema}, strict: the server constrains decoding to the schema (OpenAI, vLLM, Ollama, LM Studio). */
    JSON_SCHEMA("json_schema"),
    /** {@code json_object} with the schema in the system prompt, for servers without strict schemas. */
    JSON_OBJECT("json_object");

    final String wire;

    ResponseFormat(String wire) {
      this.wire = wire;
    }
  }

  /**
   * Reads and checks the settings.
   *
   * @throws InvalidInputException naming {@code settings.<key>} for an unknown key or a bad value
   */
  static OpenAiSettings parse(Map<String, String> settings) {
    for (String key : settings.keySet()) {
      if (key.equals(API_KEY)) {
        throw new InvalidInputException("settings." + key, "is a secret: it must be a secret setting (stored"
            + " encrypted), never a plain setting");
      }
      if (!KEYS.contains(key)) {
        throw new InvalidInputException("settings." + key, "is not an openai analyzer setting (see the"
            + " sms-analyzer-openai README for the keys)");
      }
    }
    String model = text(settings, "model");
    if (model == null) {
      throw new InvalidInputException("settings.model", "is required (the model or deployment name, such as"
          + " gpt-4o-mini)");
    }
    String temperature = text(settings, "temperature");
    String format = text(settings, "responseFormat");
    return new OpenAiSettings(
        chatCompletions(text(settings, "baseUrl")),
        model,
        Duration.ofSeconds(whole(settings, "timeoutSeconds", 30, 1, 300)),
        whole(settings, "maxAttempts", 3, 1, 10),
        temperature == null ? null : temperature(temperature),
        text(settings, "maxTokens") == null ? null : whole(settings, "maxTokens", 0, 1, 1_000_000),
        whole(settings, "maxChars", 12_000, 500, 1_000_000),
        format == null ? ResponseFormat.JSON_SCHEMA : responseFormat(format));
  }

  private static HttpUrl chatCompletions(@Nullable String baseUrl) {
    String base = baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
    // Users copy the base URL from their server's docs with or without the trailing slash; both mean the same.
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    HttpUrl url = HttpUrl.parse(base + "/chat/completions"); // null for anything but http and https
    // No user:password@: it would be sent to the server in the clear and shown wherever the URL is.
    if (url == null || base.contains("?") || base.contains("#") || !url.username().isEmpty()
        || !url.password().isEmpty()) {
      throw new InvalidInputException("settings.baseUrl", "must be an http(s) URL without credentials, query or"
          + " fragment, such as https://api.openai.com/v1 or http://localhost:11434/v1");
    }
    return url;
  }

  private static double temperature(String value) {
    try {
      BigDecimal t = new BigDecimal(value);
      if (t.compareTo(BigDecimal.ZERO) >= 0 && t.compareTo(BigDecimal.valueOf(2)) <= 0) {
        return t.doubleValue();
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new InvalidInputException("settings.temperature", "must be a number from 0 to 2");
  }

  private static ResponseFormat responseFormat(String value) {
    for (ResponseFormat f : ResponseFormat.values()) {
      if (f.wire.equals(value)) {
        return f;
      }
    }
    throw new InvalidInputException("settings.responseFormat", "must be json_schema or json_object");
  }

  private static int whole(Map<String, String> settings, String key, int fallback, int min, int max) {
    String value = text(settings, key);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new InvalidInputException("settings." + key, "must be a whole number from " + min + " to " + max);
  }

  private static @Nullable String text(Map<String, String> settings, String key) {
    String value = settings.get(key);
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      throw new InvalidInputException("settings." + key, "must not be blank (leave it out for the default)");
    }
    return value.strip();
  }
}
