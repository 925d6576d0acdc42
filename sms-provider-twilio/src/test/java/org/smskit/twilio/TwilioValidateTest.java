package org.smskit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.twilio.Fixtures.ACCOUNT_SID;
import static org.smskit.twilio.Fixtures.API_KEY_SECRET;
import static org.smskit.twilio.Fixtures.API_KEY_SECRETS;
import static org.smskit.twilio.Fixtures.API_KEY_SETTING;
import static org.smskit.twilio.Fixtures.API_KEY_SID;
import static org.smskit.twilio.Fixtures.AUTH_TOKEN;

import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.spi.ProviderConfig;

/** {@link TwilioProviderFactory#validate} and {@link TwilioProviderFactory#secretSettings}: one test a rule. */
class TwilioValidateTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  private final TwilioProviderFactory factory = new TwilioProviderFactory();

  @AfterEach
  void validationNeverCallsTwilio() {
    assertThat(server.getRequestCount()).isZero();
  }

  private ProviderConfig config(String sid, String token, String settings, Map<String, String> secrets) {
    return Fixtures.config(sid, token, server, settings, secrets);
  }

  private void assertRefused(ProviderConfig config, String field, String rule) {
    assertThatThrownBy(() -> factory.validate(config)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.rule()).contains(rule);
      assertThat(e.getMessage()).doesNotContain(AUTH_TOKEN).doesNotContain(API_KEY_SECRET);
    });
  }

  @Test
  void theOnlySecretSettingIsTheApiKeySecret() {
    assertThat(factory.secretSettings()).containsExactly("apiKeySecret");
  }

  @Test
  void everyDocumentedSetUpIsAccepted() {
    assertThatCode(() -> factory.validate(config(ACCOUNT_SID, AUTH_TOKEN, "\"validityPeriod\":600", Map.of())))
        .doesNotThrowAnyException();
    assertThatCode(() -> factory.validate(config(ACCOUNT_SID, AUTH_TOKEN, API_KEY_SETTING, API_KEY_SECRETS)))
        .doesNotThrowAnyException();
    assertThatCode(() -> factory.validate(config(ACCOUNT_SID, null, API_KEY_SETTING, API_KEY_SECRETS)))
        .as("send-only with an API key").doesNotThrowAnyException();
    assertThatCode(() -> factory.validate(config(API_KEY_SID, API_KEY_SECRET, "\"accountSid\":\"" + ACCOUNT_SID
        + "\"", Map.of()))).doesNotThrowAnyException();
  }

  @Test
  void accountSidMustBeAnAccountOrApiKeySid() {
    assertRefused(config("AC0123", AUTH_TOKEN, "", Map.of()), "account_sid", "32 hex digits");
    assertRefused(config("MG" + "0".repeat(32), AUTH_TOKEN, "", Map.of()), "account_sid", "32 hex digits");
    assertRefused(config(null, AUTH_TOKEN, "", Map.of()), "account_sid", "AC...");
  }

  @Test
  void unknownSettingIsRefusedByName() {
    assertRefused(config(ACCOUNT_SID, AUTH_TOKEN, "\"validityPeriode\":600", Map.of()), "settings.validityPeriode",
        "not a Twilio setting");
  }

  @Test
  void malformedSettingIsRefusedByName() {
    assertRefused(config(ACCOUNT_SID, AUTH_TOKEN, "\"validityPeriod\":0", Map.of()), "settings.validityPeriod",
        "1");
  }

  @Test
  void secretSettingInThePlainSettingsIsRefused() {
    assertRefused(config(ACCOUNT_SID, AUTH_TOKEN, API_KEY_SETTING + ",\"apiKeySecret\":\"" + API_KEY_SECRET + "\"",
        Map.of()), "settings.apiKeySecret", "must be registered as a secret setting");
  }

  @Test
  void authTokenInThePlainSettingsIsRefusedPointingAtTheAuthToken() {
    assertRefused(config(ACCOUNT_SID, AUTH_TOKEN, "\"authToken\":\"" + AUTH_TOKEN + "\"", Map.of()),
        "settings.authToken", "auth token");
  }

  @Test
  void unknownSecretSettingIsRefused() {
    assertRefused(config(ACCOUNT_SID, AUTH_TOKEN, "", Map.of("signatureSecret", "x")), "settings.signatureSecret",
        "not a Twilio secret setting");
  }

  @Test
  void neededSecretsMustBePresent() {
    assertRefused(config(ACCOUNT_SID, null, "", Map.of()), "auth_token", "auth token");
    assertRefused(config(ACCOUNT_SID, AUTH_TOKEN, API_KEY_SETTING, Map.of()), "settings.apiKeySecret",
        "go together");
    assertRefused(config(API_KEY_SID, null, "\"accountSid\":\"" + ACCOUNT_SID + "\"", Map.of()), "auth_token",
        "API key's secret");
  }
}
