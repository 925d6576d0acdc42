package org.smskit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.twilio.Fixtures.ACCOUNT_SID;
import static org.smskit.twilio.Fixtures.API_KEY_SECRET;
import static org.smskit.twilio.Fixtures.API_KEY_SID;
import static org.smskit.twilio.Fixtures.AUTH_TOKEN;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.ProviderConfig;

class TwilioSettingsTest {

  @Test
  void emptySettingsGiveTheDocumentedDefaults() {
    TwilioSettings s = TwilioSettings.parse("{}");
    assertThat(s.accountSid()).isNull();
    assertThat(s.apiKeySid()).isNull();
    assertThat(s.baseUrl()).hasToString("https://api.twilio.com/");
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.writeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.callTimeout()).isZero();
    assertThat(s.publicWebhookBaseUrl()).isNull();
    assertThat(s.statusCallbackUrl()).isNull();
    assertThat(s.statusCallbackMessageId()).isTrue();
    assertThat(s.defaults()).isEmpty();
  }

  @Test
  void everyKeyIsRead() {
    TwilioSettings s = TwilioSettings.parse("""
        {"accountSid": "%s", "apiKeySid": "%s", "baseUrl": "http://127.0.0.1:9999", "connectTimeoutMillis": 1500,
         "readTimeoutMillis": 2500, "writeTimeoutMillis": 3500, "callTimeoutMillis": 60000,
         "publicWebhookBaseUrl": "https://sms.example.com/erp", "statusCallbackUrl": "https://sms.example.com/s",
         "statusCallbackMessageId": false, "validityPeriod": 3600, "shortenUrls": true, "smartEncoded": false,
         "sendAsMms": true, "contentRetention": "retain", "addressRetention": "obfuscate", "riskCheck": "enable"}
        """.formatted(ACCOUNT_SID, API_KEY_SID));
    assertThat(s.accountSid()).isEqualTo(ACCOUNT_SID);
    assertThat(s.apiKeySid()).isEqualTo(API_KEY_SID);
    assertThat(s.baseUrl()).hasToString("http://127.0.0.1:9999/");
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(s.readTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.writeTimeout()).isEqualTo(Duration.ofMillis(3500));
    assertThat(s.callTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.publicWebhookBaseUrl()).isEqualTo(URI.create("https://sms.example.com/erp"));
    assertThat(s.statusCallbackUrl()).isEqualTo(URI.create("https://sms.example.com/s"));
    assertThat(s.statusCallbackMessageId()).isFalse();
    assertThat(s.defaults()).containsExactly(
        org.assertj.core.api.Assertions.entry("ValidityPeriod", "3600"),
        org.assertj.core.api.Assertions.entry("ShortenUrls", "true"),
        org.assertj.core.api.Assertions.entry("SmartEncoded", "false"),
        org.assertj.core.api.Assertions.entry("SendAsMms", "true"),
        org.assertj.core.api.Assertions.entry("ContentRetention", "retain"),
        org.assertj.core.api.Assertions.entry("AddressRetention", "obfuscate"),
        org.assertj.core.api.Assertions.entry("RiskCheck", "enable"));
  }

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"apiKeySecret\":\"x\"}                         | settings.apiKeySecret",
      "{\"authToken\":\"x\"}                            | settings.authToken",
      "{\"accountSid\":\"SK0123\"}                      | settings.accountSid",
      "{\"apiKeySid\":\"AC0123456789abcdef0123456789abcdef\"} | settings.apiKeySid",
      "{\"baseUrl\":\"https://api.twilio.com/2010-04-01\"} | settings.baseUrl",
      "{\"baseUrl\":\"ftp://api.twilio.com\"}           | settings.baseUrl",
      "{\"baseUrl\":\"https://x.example\",\"region\":\"ie1\"} | settings.baseUrl",
      "{\"region\":\"IE 1\"}                            | settings.region",
      "{\"readTimeoutMillis\":-1}                       | settings.readTimeoutMillis",
      "{\"connectTimeoutMillis\":\"10s\"}               | settings.connectTimeoutMillis",
      "{\"publicWebhookBaseUrl\":\"https://x.example/?a=1\"} | settings.publicWebhookBaseUrl",
      "{\"publicWebhookBaseUrl\":\"/relative\"}         | settings.publicWebhookBaseUrl",
      "{\"statusCallbackMessageId\":\"yes\"}            | settings.statusCallbackMessageId",
      "{\"validityPeriod\":36001}                       | settings.validityPeriod",
      "{\"contentRetention\":\"forever\"}               | settings.contentRetention",
      "{\"riskCheck\":{\"on\":true}}                    | settings.riskCheck",
      "[1,2]                                            | settings",
      "not json                                         | settings"})
  void malformedOrUnknownSettingIsRefusedNamingTheKey(String json, String field) {
    assertThatThrownBy(() -> TwilioSettings.parse(json))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void apiKeyWithoutTheAccountSidInSettingsIsRefused() {
    assertThatThrownBy(() -> create(API_KEY_SID, API_KEY_SECRET, "{}"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.accountSid"));
  }

  @Test
  void apiKeySidAndItsSecretGoTogether() {
    String withKey = "{\"apiKeySid\":\"" + API_KEY_SID + "\"}";
    assertThatThrownBy(() -> create(ACCOUNT_SID, AUTH_TOKEN, withKey, Map.of()))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.apiKeySecret"));
    assertThatThrownBy(() -> create(ACCOUNT_SID, AUTH_TOKEN, "{}", Map.of("apiKeySecret", API_KEY_SECRET)))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.apiKeySid"));
  }

  @Test
  void apiKeySettingsBesideAnApiKeyAccountSidAreRefused() {
    String settings = "{\"accountSid\":\"" + ACCOUNT_SID + "\",\"apiKeySid\":\"" + API_KEY_SID + "\"}";
    assertThatThrownBy(() -> create(API_KEY_SID, API_KEY_SECRET, settings, Map.of("apiKeySecret", API_KEY_SECRET)))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.apiKeySid"));
  }

  @Test
  void unknownSecretSettingIsRefused() {
    assertThatThrownBy(() -> create(ACCOUNT_SID, AUTH_TOKEN, "{}", Map.of("webhookSecret", "x")))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.webhookSecret"));
  }

  @Test
  void secretInThePlainSettingsIsRefusedAsASecret() {
    assertThatThrownBy(() -> TwilioSettings.parse("{\"apiKeySecret\":\"x\"}"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.rule()).contains("secret setting"));
  }

  @Test
  void settingsAccountSidDifferentFromTheAccountIsRefused() {
    assertThatThrownBy(() -> create(ACCOUNT_SID, AUTH_TOKEN, "{\"accountSid\":\"AC" + "f".repeat(32) + "\"}"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.accountSid"));
  }

  @Test
  void accountSidThatIsNeitherAccountNorApiKeyIsRefused() {
    for (String sid : new String[] {"ACshort", "MG" + "0".repeat(32), "AC" + "0".repeat(31) + "g"}) {
      assertThatThrownBy(() -> create(sid, AUTH_TOKEN, "{}")).as(sid)
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("account_sid"));
    }
  }

  @Test
  void missingTokenOrSidIsRefused() {
    assertThatThrownBy(() -> new TwilioProviderFactory().create(ProviderConfig.of(ACCOUNT_SID, null, "{}")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("auth_token"));
    assertThatThrownBy(() -> create(null, AUTH_TOKEN, "{}"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("account_sid"));
  }

  @Test
  void surroundingWhitespaceInTheSidIsForgiven() {
    try (TwilioProvider twilio = create(" " + ACCOUNT_SID + "\n", AUTH_TOKEN, "{}")) {
      assertThat(twilio.accountSid()).isEqualTo(ACCOUNT_SID);
    }
  }

  @Test
  void providerToStringNamesTheAccountButNeverTheToken() {
    try (TwilioProvider twilio = create(ACCOUNT_SID, AUTH_TOKEN, "{}")) {
      assertThat(twilio.toString()).contains(ACCOUNT_SID).doesNotContain(AUTH_TOKEN);
    }
  }

  private static TwilioProvider create(String sid, String token, String settings) {
    return create(sid, token, settings, Map.of());
  }

  private static TwilioProvider create(String sid, String token, String settings, Map<String, String> secrets) {
    Map<String, Secret> decrypted = new java.util.LinkedHashMap<>();
    secrets.forEach((name, value) -> decrypted.put(name, Secret.of(value)));
    return new TwilioProviderFactory().create(ProviderConfig.builder().accountSid(sid).authToken(Secret.of(token))
        .settingsJson(settings).secrets(decrypted).build());
  }
}
