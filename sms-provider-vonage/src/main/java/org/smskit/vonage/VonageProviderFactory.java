package org.smskit.vonage;

import java.util.Set;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SmsProviderFactory;

/**
 * Creates {@link VonageProvider}s; installed under the name {@value VonageProvider#NAME}.
 *
 * <p>{@link ProviderConfig#accountSid()} is the API key, {@link ProviderConfig#authToken()} the API secret, and the
 * secret setting {@code signatureSecret} ({@link ProviderConfig#secret(String)}, stored encrypted by the service)
 * the signature secret, when the account signs; {@link ProviderConfig#settingsJson()} holds the plain settings
 * listed in the module README (base URLs, signature method, {@code signatureSecretEnv} as an alternative source of
 * the signature secret, timeouts...).
 *
 * <pre>{@code
 * SmsProvider vonage = new VonageProviderFactory().create(ProviderConfig.builder().accountSid("a1b2c3d4")
 *     .authToken(Secret.of(apiSecret)).settingsJson("{\"signatureMethod\": \"sha256\"}")
 *     .secrets(Map.of("signatureSecret", Secret.of(sigSecret))).build());
 * }</pre>
 *
 * <p>Each provider gets its own OkHttp client with the account's timeouts, no retries and no redirects. Give the
 * factory a client of your own to share its connection pool, dispatcher and proxy settings among accounts; it must
 * not retry POSTs itself (an interceptor that does would defeat the no-double-send rule).
 *
 * <p>Immutable and thread-safe.
 */
public final class VonageProviderFactory implements SmsProviderFactory {
  private final @Nullable OkHttpClient baseClient;
  private final Function<String, String> environment;

  /** For {@link java.util.ServiceLoader}: each provider builds a client of its own. */
  public VonageProviderFactory() {
    this(null, System::getenv);
  }

  /** Providers derive their clients from {@code baseClient} ({@link OkHttpClient#newBuilder()}). */
  public VonageProviderFactory(OkHttpClient baseClient) {
    this(Require.nonNull(baseClient, "base_client"), System::getenv);
  }

  /** For tests: where {@code signatureSecretEnv} is looked up. */
  VonageProviderFactory(@Nullable OkHttpClient baseClient, Function<String, String> environment) {
    this.baseClient = baseClient;
    this.environment = environment;
  }

  @Override
  public String name() {
    return VonageProvider.NAME;
  }

  /**
   * @throws org.smskit.core.InvalidInputException naming {@code account_sid}, {@code auth_token} or
   *     {@code settings.<key>} (plain or secret) when the configuration is incomplete or malformed; never quoting a secret
   */
  @Override
  public VonageProvider create(ProviderConfig config) {
    Require.nonNull(config, "config");
    VonageSettings settings = VonageSettings.parse(config.settingsJson());
    VonageCredentials credentials = VonageCredentials.from(config, settings, environment);
    OkHttpClient.Builder builder = baseClient == null ? new OkHttpClient.Builder() : baseClient.newBuilder();
    builder.connectTimeout(settings.connectTimeout())
        .readTimeout(settings.readTimeout())
        .writeTimeout(settings.writeTimeout())
        .callTimeout(settings.callTimeout())
        // A POST that may have reached Vonage is never sent again behind the caller's back.
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .followSslRedirects(false);
    Transport.trackProgress(builder, baseClient == null ? call -> okhttp3.EventListener.NONE
        : baseClient.eventListenerFactory());
    return new VonageProvider(settings, credentials, config.clock(), builder.build(), baseClient == null);
  }

  /** {@code signatureSecret}, the account's signature secret (or the environment variable named by a setting). */
  @Override
  public Set<String> secretSettings() {
    return Set.of(VonageCredentials.SIGNATURE_SECRET);
  }

  /**
   * Runs the checks {@link #create} runs, without building an HTTP client or calling Vonage: every setting
   * (unknown keys and secrets in the plain settings refused), the secret settings (unknown names refused), the API
   * secret, the signature secret's one source; and, at registration only, that the API key can authenticate at all
   * (no blank, control character or colon).
   *
   * @throws org.smskit.core.InvalidInputException naming the field ({@code account_sid}, {@code auth_token},
   *     {@code settings.<key>}) and the rule broken, never quoting a secret
   */
  @Override
  public void validate(ProviderConfig config) {
    Require.nonNull(config, "config");
    VonageCredentials.from(config, VonageSettings.parse(config.settingsJson()), environment).checkApiKeyShape();
  }
}
