package org.smskit.vonage;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.WebhookRequest;

/** Shared values and builders for the Vonage tests. */
final class Fixtures {
  static final String API_KEY = "a1b2c3d4";
  static final String API_SECRET = "Sup3rS3cret";
  static final String SIGNATURE_SECRET = "sig-secret-0123456789abcdef";
  /** 2023-11-14T22:13:20Z. */
  static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
  static final UUID MESSAGE_ID = UUID.fromString("0190f7c2-1111-7aaa-8bbb-123456789abc");
  static final URI WEBHOOK = URI.create("https://hooks.example.com/vonage");

  private Fixtures() {}

  /** API key and secret, no signature secret. */
  static ProviderConfig config(String settingsJson) {
    return ProviderConfig.builder().accountSid(API_KEY).authToken(Secret.of(API_SECRET)).settingsJson(settingsJson)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  /** With the secret setting signatureSecret, as the service hands it over decrypted. */
  static ProviderConfig signedConfig(String settingsJson) {
    return signedConfig(settingsJson, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static ProviderConfig signedConfig(String settingsJson, Clock clock) {
    return config(settingsJson).toBuilder().clock(clock).secrets(Map.of("signatureSecret", Secret.of(SIGNATURE_SECRET)))
        .build();
  }

  static VonageProvider provider(ProviderConfig config) {
    return new VonageProviderFactory().create(config);
  }

  static Map<String, List<String>> form(String... namesAndValues) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
    }
    return out;
  }

  static WebhookRequest postForm(Map<String, List<String>> form) {
    return WebhookRequest.form(WEBHOOK, Map.of(), form);
  }

  static WebhookRequest get(Map<String, List<String>> query) {
    return WebhookRequest.of("GET", URI.create(WEBHOOK + "?" + FormEncoding.encode(query)), Map.of(), new byte[0]);
  }

  static WebhookRequest postJson(String json, Map<String, String> headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Content-Type", List.of("application/json"));
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    return WebhookRequest.of("POST", WEBHOOK, h, json.getBytes(StandardCharsets.UTF_8));
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
