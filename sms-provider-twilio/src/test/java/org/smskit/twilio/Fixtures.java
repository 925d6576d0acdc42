package org.smskit.twilio;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.ProviderConfig;

/** Accounts, clocks and canned Twilio answers shared by the tests. */
final class Fixtures {
  private Fixtures() {}

  static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
  static final String AUTH_TOKEN = "f2e1d0c9b8a7f6e5d4c3b2a190817263";
  static final String API_KEY_SID = "SKfedcba9876543210fedcba9876543210";
  static final String API_KEY_SECRET = "s3cr3t-api-key-secret-value-0001";
  static final String SERVICE_SID = "MG11112222333344445555666677778888";
  static final String MESSAGE_SID = "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d";
  static final Instant NOW = Instant.parse("2030-03-04T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** A provider for {@link #ACCOUNT_SID} talking to {@code server}, with extra settings (JSON members, or ""). */
  static TwilioProvider provider(MockWebServer server, String extraSettings) {
    return new TwilioProviderFactory().create(config(ACCOUNT_SID, AUTH_TOKEN, server, extraSettings));
  }

  static ProviderConfig config(String sid, String token, MockWebServer server, String extraSettings) {
    return config(sid, token, server, extraSettings, Map.of());
  }

  /** With secret settings, as the host hands them over decrypted. */
  static ProviderConfig config(String sid, String token, MockWebServer server, String extraSettings,
      Map<String, String> secrets) {
    String base = "\"baseUrl\":\"" + server.url("/") + "\"";
    Map<String, Secret> decrypted = new LinkedHashMap<>();
    secrets.forEach((name, value) -> decrypted.put(name, Secret.of(value)));
    return account(sid, token).settingsJson("{" + base + (extraSettings.isEmpty() ? "" : "," + extraSettings) + "}")
        .secrets(decrypted).build();
  }

  /** An account's configuration on {@link #CLOCK}, to finish with settings and secrets; {@code token} may be null. */
  static ProviderConfig.Builder account(String sid, String token) {
    return ProviderConfig.builder().accountSid(sid).authToken(token == null ? null : Secret.of(token)).clock(CLOCK);
  }

  /** Settings and secrets that make the account send with {@link #API_KEY_SID}. */
  static final String API_KEY_SETTING = "\"apiKeySid\":\"" + API_KEY_SID + "\"";
  static final Map<String, String> API_KEY_SECRETS = Map.of("apiKeySecret", API_KEY_SECRET);

  /** A 201 with Twilio's message JSON, as the Create Message call answers. */
  static MockResponse created(String status, String numSegments, String price, String priceUnit) {
    return new MockResponse.Builder().code(201).addHeader("Content-Type", "application/json").body("""
        {"account_sid": "%s", "api_version": "2010-04-01", "body": "Hello", "date_created":
        "Mon, 04 Mar 2030 10:00:00 +0000", "date_sent": null, "date_updated": "Mon, 04 Mar 2030 10:00:00 +0000",
        "direction": "outbound-api", "error_code": null, "error_message": null, "from": "+14155550199",
        "messaging_service_sid": null, "num_media": "0", "num_segments": %s, "price": %s, "price_unit": %s,
        "sid": "%s", "status": "%s", "subresource_uris": {"media":
        "/2010-04-01/Accounts/%s/Messages/%s/Media.json"}, "tags": {"campaign": "x"}, "to": "+14155550100",
        "uri": "/2010-04-01/Accounts/%s/Messages/%s.json"}
        """.formatted(ACCOUNT_SID, quoted(numSegments), quoted(price), quoted(priceUnit), MESSAGE_SID, status,
        ACCOUNT_SID, MESSAGE_SID, ACCOUNT_SID, MESSAGE_SID)).build();
  }

  static MockResponse created() {
    return created("queued", "1", null, "USD");
  }

  /** Twilio's JSON error answer. */
  static MockResponse error(int http, int code, String message) {
    return new MockResponse.Builder().code(http).addHeader("Content-Type", "application/json").body("""
        {"code": %d, "message": "%s", "more_info": "https://www.twilio.com/docs/errors/%d", "status": %d}
        """.formatted(code, message, code, http)).build();
  }

  /** Decodes a form body in order, repeated names kept. */
  static Map<String, List<String>> form(okio.ByteString body) {
    return FormEncoding.decode(body.string(StandardCharsets.UTF_8));
  }

  /** Ordered parameters from alternating names and values. */
  static Map<String, List<String>> params(String... namesAndValues) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
    }
    return out;
  }

  private static String quoted(String value) {
    return value == null ? "null" : "\"" + value + "\"";
  }
}
