package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.crypto.Secret;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookVerificationException;

class VonageProviderFactoryTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  private static ProviderConfig config(String apiKey, String token, String settings) {
    return ProviderConfig.builder().accountSid(apiKey).authToken(token == null ? null : Secret.of(token))
        .settingsJson(settings).clock(Clock.fixed(Fixtures.NOW, ZoneOffset.UTC)).build();
  }

  /** API key k and secret s on the system clock, with one secret setting. */
  private static ProviderConfig withSecret(String settings, String name, String value) {
    return ProviderConfig.builder().accountSid("k").authToken(Secret.of("s")).settingsJson(settings)
        .secrets(Map.of(name, Secret.of(value))).build();
  }

  @Test
  void serviceLoaderFindsTheFactoryUnderItsName() {
    SmsProviders providers = SmsProviders.discover();

    assertThat(providers.names()).contains("vonage");
    try (SmsProvider provider = providers.create("vonage", Fixtures.config("{}"))) {
      assertThat(provider).isInstanceOf(VonageProvider.class);
      assertThat(provider.name()).isEqualTo("vonage");
    }
  }

  @Test
  void missingApiKeyOrSecretIsRefusedByField() {
    VonageProviderFactory factory = new VonageProviderFactory();

    assertThatThrownBy(() -> factory.create(config(null, "s", "{}")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("account_sid"));
    assertThatThrownBy(() -> factory.create(config("k", null, "{}")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("auth_token"));
    assertThatThrownBy(() -> factory.create(config("k", "  ", "{}")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("auth_token"));
  }

  @Test
  void signatureSecretComesFromTheSecretSetting() {
    ProviderConfig config = ProviderConfig.builder().accountSid("k").authToken(Secret.of(" api-secret "))
        .secrets(Map.of("signatureSecret", Secret.of("sig-secret"))).build();

    VonageCredentials credentials = VonageCredentials.from(config, VonageSettings.parse("{}"), name -> null);

    assertThat(credentials.apiKey()).isEqualTo("k");
    assertThat(credentials.apiSecret().reveal()).isEqualTo("api-secret");
    assertThat(credentials.signature()).map(Secret::reveal).contains("sig-secret");
    assertThat(credentials.toString()).doesNotContain("api-secret").doesNotContain("sig-secret");
  }

  @Test
  void unknownOrEmptySecretSettingsAreRefusedWithoutQuotingThem() {
    VonageProviderFactory factory = new VonageProviderFactory();

    assertThatThrownBy(() -> factory.create(withSecret("{}", "apiKeySecret", "hunter22")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("settings.apiKeySecret");
          assertThat(e.getMessage()).doesNotContain("hunter22");
        });
    assertThatThrownBy(() -> factory.create(withSecret("{}", "signatureSecret", " ")))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.signatureSecret"));
  }

  @Test
  void signatureSecretInThePlainSettingsIsRefused() {
    assertThatThrownBy(() -> new VonageProviderFactory().create(config("k", "s", "{\"signatureSecret\":\"hunter22\"}")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("settings.signatureSecret");
          assertThat(e.getMessage()).contains("secret setting").doesNotContain("hunter22");
        });
  }

  @Test
  void signatureSecretMayComeFromTheNamedEnvironmentVariable() {
    Map<String, String> env = Map.of("VONAGE_SIG_ACME", " env-secret ");
    VonageProviderFactory factory = new VonageProviderFactory(null, env::get);

    VonageProvider provider = factory.create(config("k", "api-secret", "{\"signatureSecretEnv\":\"VONAGE_SIG_ACME\","
        + "\"signatureMethod\":\"sha256\"}"));

    assertThat(VonageCredentials.from(config("k", "api-secret", "{}"),
        VonageSettings.parse("{\"signatureSecretEnv\":\"VONAGE_SIG_ACME\"}"), env::get).signature())
        .map(Secret::reveal).contains("env-secret");
    // Unsigned webhooks are refused because a secret is now configured.
    assertThatThrownBy(() -> provider.parseWebhook(Fixtures.postForm(Fixtures.form("msisdn", "447700900123",
        "to", "14155550100", "messageId", "X", "text", "hi")), new WebhookContext(
        new InMemoryFragmentStore(Clock.systemUTC())))).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("no sig");
  }

  @Test
  void unsetEnvironmentVariableOrTwoSourcesAreRefused() {
    VonageProviderFactory factory = new VonageProviderFactory(null, name -> null);
    VonageProviderFactory withEnv = new VonageProviderFactory(null, name -> "from-env");

    assertThatThrownBy(() -> factory.create(config("k", "s", "{\"signatureSecretEnv\":\"VONAGE_SIG\"}")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("settings.signatureSecretEnv");
          assertThat(e.getMessage()).contains("VONAGE_SIG");
        });
    assertThatThrownBy(() -> withEnv.create(withSecret("{\"signatureSecretEnv\":\"VONAGE_SIG\"}", "signatureSecret",
        "b")))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.signatureSecretEnv"));
  }

  @Test
  void settingsAreValidatedByKey() {
    VonageProviderFactory factory = new VonageProviderFactory();

    Map.of(
        "{\"signatureMethod\":\"sha384\"}", "settings.signatureMethod",
        "{\"smsBaseUrl\":\"not a url\"}", "settings.smsBaseUrl",
        "{\"readTimeoutMillis\":-1}", "settings.readTimeoutMillis",
        "{\"allowUnsignedWebhooks\":\"yes\"}", "settings.allowUnsignedWebhooks",
        "{\"apiSecret\":\"plaintext\"}", "settings.apiSecret",
        "{\"priceCurrency\":\"euro\"}", "settings.priceCurrency",
        "{\"webhookToleranceSeconds\":0}", "settings.webhookToleranceSeconds",
        "[]", "settings").forEach((settings, field) ->
        assertThatThrownBy(() -> factory.create(config("k", "s", settings)))
            .as(settings).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo(field)));
  }

  @Test
  void defaultsPointAtVonage() {
    VonageSettings defaults = VonageSettings.parse("{}");

    assertThat(defaults.smsBaseUrl()).hasToString("https://rest.nexmo.com/");
    assertThat(defaults.messagesBaseUrl()).hasToString("https://api.nexmo.com/");
    assertThat(defaults.signatureMethod()).isEqualTo(SignatureMethod.MD5HASH);
    assertThat(defaults.allowUnsignedWebhooks()).isFalse();
    assertThat(defaults.webhookTolerance()).hasSeconds(300);
    assertThat(defaults.concatPartsTtl()).hasHours(24);
  }

  @Test
  void hostClientIsSharedItsListenerKeptAndItsPoolLeftOpenOnClose() throws Exception {
    server.enqueue(new MockResponse.Builder().body("{\"messages\":[{\"status\":\"0\",\"message-id\":\"X1\"}]}")
        .build());
    int[] callsSeen = {0};
    OkHttpClient host = new OkHttpClient.Builder().eventListener(new EventListener() {
      @Override
      public void callEnd(Call call) {
        callsSeen[0]++;
      }
    }).build();
    VonageProvider provider = new VonageProviderFactory(host).create(Fixtures.config(
        "{\"smsBaseUrl\":\"" + server.url("/") + "\"}"));

    provider.send(OutboundMessage.sms(Fixtures.MESSAGE_ID, PhoneNumber.of("+14155550100"),
        PhoneNumber.of("+447700900123"), "Hi"));
    provider.close();

    assertThat(callsSeen[0]).isEqualTo(1);
    assertThat(host.dispatcher().executorService().isShutdown()).isFalse();
    assertThat(host.connectionPool().connectionCount()).isEqualTo(1);
    host.connectionPool().evictAll();
    assertThat(server.takeRequest(1, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void toStringNeverShowsSecrets() {
    VonageProvider provider = Fixtures.provider(Fixtures.signedConfig("{}"));

    assertThat(provider.toString()).contains(Fixtures.API_KEY).doesNotContain(Fixtures.API_SECRET)
        .doesNotContain(Fixtures.SIGNATURE_SECRET);
  }
}
