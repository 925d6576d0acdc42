package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.vonage.Fixtures.API_KEY;
import static org.smskit.vonage.Fixtures.API_SECRET;
import static org.smskit.vonage.Fixtures.SIGNATURE_SECRET;

import java.util.LinkedHashMap;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.ProviderConfig;

/** {@link VonageProviderFactory#validate} and {@link VonageProviderFactory#secretSettings}: one test a rule. */
class VonageValidateTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  private final VonageProviderFactory factory = new VonageProviderFactory(null, Map.of("VONAGE_SIG", "env")::get);

  @AfterEach
  void validationNeverCallsVonage() {
    assertThat(server.getRequestCount()).isZero();
  }

  /** Every base URL at the test server, so that any call would be seen. */
  private ProviderConfig config(String apiKey, String apiSecret, String settings, Map<String, String> secrets) {
    String base = "\"" + server.url("/") + "\"";
    Map<String, Secret> decrypted = new LinkedHashMap<>();
    secrets.forEach((name, value) -> decrypted.put(name, Secret.of(value)));
    return ProviderConfig.builder().accountSid(apiKey).authToken(apiSecret == null ? null : Secret.of(apiSecret))
        .settingsJson("{\"smsBaseUrl\":" + base + ",\"messagesBaseUrl\":" + base + ",\"reportsBaseUrl\":" + base
            + (settings.isEmpty() ? "" : "," + settings) + "}")
        .secrets(decrypted).build();
  }

  private void assertRefused(ProviderConfig config, String field, String rule) {
    assertThatThrownBy(() -> factory.validate(config)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.rule()).contains(rule);
      assertThat(e.getMessage()).doesNotContain(API_SECRET).doesNotContain(SIGNATURE_SECRET);
    });
  }

  @Test
  void theOnlySecretSettingIsTheSignatureSecret() {
    assertThat(factory.secretSettings()).containsExactly("signatureSecret");
  }

  @Test
  void everyDocumentedSetUpIsAccepted() {
    assertThatCode(() -> factory.validate(config(API_KEY, API_SECRET, "", Map.of()))).doesNotThrowAnyException();
    assertThatCode(() -> factory.validate(config(API_KEY, API_SECRET, "\"signatureMethod\":\"sha256\","
        + "\"reportsApi\":true", Map.of("signatureSecret", SIGNATURE_SECRET)))).doesNotThrowAnyException();
    assertThatCode(() -> factory.validate(config(API_KEY, API_SECRET, "\"signatureSecretEnv\":\"VONAGE_SIG\"",
        Map.of()))).doesNotThrowAnyException();
  }

  @Test
  void apiKeyThatCannotAuthenticateIsRefused() {
    assertRefused(config("a1b2:c3d4", API_SECRET, "", Map.of()), "account_sid", "colons");
    assertRefused(config("a1b2 c3d4", API_SECRET, "", Map.of()), "account_sid", "without spaces");
    assertRefused(config("a1b2c3dé", API_SECRET, "", Map.of()), "account_sid", "printable ASCII");
    assertRefused(config(" ", API_SECRET, "", Map.of()), "account_sid", "API key");
  }

  @Test
  void unknownSettingIsRefusedByName() {
    assertRefused(config(API_KEY, API_SECRET, "\"reportApi\":true", Map.of()), "settings.reportApi",
        "not a Vonage setting");
  }

  @Test
  void malformedSettingIsRefusedByName() {
    assertRefused(config(API_KEY, API_SECRET, "\"reportsApi\":\"yes\"", Map.of()), "settings.reportsApi",
        "true or false");
    assertRefused(config(API_KEY, API_SECRET, "\"reportsBaseUrl\":\"https://api.nexmo.com/?x=1\"", Map.of()),
        "settings.reportsBaseUrl", "without query");
  }

  @Test
  void secretSettingInThePlainSettingsIsRefused() {
    assertRefused(config(API_KEY, API_SECRET, "\"signatureSecret\":\"" + SIGNATURE_SECRET + "\"", Map.of()),
        "settings.signatureSecret", "must be registered as a secret setting");
  }

  @Test
  void apiSecretInThePlainSettingsIsRefusedPointingAtTheAuthToken() {
    assertRefused(config(API_KEY, API_SECRET, "\"apiSecret\":\"" + API_SECRET + "\"", Map.of()),
        "settings.apiSecret", "auth token");
  }

  @Test
  void unknownSecretSettingIsRefused() {
    assertRefused(config(API_KEY, API_SECRET, "", Map.of("apiKeySecret", "x")), "settings.apiKeySecret",
        "not a Vonage secret setting");
  }

  @Test
  void neededSecretsMustBePresent() {
    assertRefused(config(API_KEY, null, "", Map.of()), "auth_token", "API secret");
    assertRefused(config(API_KEY, API_SECRET, "\"signatureSecretEnv\":\"UNSET_VARIABLE\"", Map.of()),
        "settings.signatureSecretEnv", "not set");
    assertRefused(config(API_KEY, API_SECRET, "\"signatureSecretEnv\":\"VONAGE_SIG\"",
        Map.of("signatureSecret", SIGNATURE_SECRET)), "settings.signatureSecretEnv", "one source only");
  }
}
