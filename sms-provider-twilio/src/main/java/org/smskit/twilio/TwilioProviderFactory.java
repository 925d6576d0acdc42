package org.smskit.twilio;

import java.util.Objects;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.smskit.core.Nullable;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SmsProviderFactory;

/**
 * Creates {@link TwilioProvider}s; installed under the name {@code twilio} (found by
 * {@link org.smskit.core.spi.SmsProviders#discover()}, or registered with {@code SmsProviders.of(new
 * TwilioProviderFactory())}).
 *
 * <p>With the no-argument constructor each provider builds an OkHttp client of its own. Hand in a client to share
 * its connection pool and dispatcher among all the accounts' providers (and to bring a proxy or certificate
 * settings); each provider derives its client from it with its own timeouts, connection-failure retry and
 * redirects off. Interceptors of that client run on every send: they must not retry the POST.
 */
public final class TwilioProviderFactory implements SmsProviderFactory {
  private final @Nullable OkHttpClient base;

  /** For {@link java.util.ServiceLoader}: every provider gets a client of its own. */
  public TwilioProviderFactory() {
    this.base = null;
  }

  /** Providers whose clients share {@code client}'s connection pool and dispatcher. */
  public TwilioProviderFactory(OkHttpClient client) {
    this.base = Objects.requireNonNull(client, "client");
  }

  @Override
  public String name() {
    return TwilioProvider.NAME;
  }

  /**
   * @throws org.smskit.core.InvalidInputException when the account SID, token or settings are missing or malformed
   */
  @Override
  public TwilioProvider create(ProviderConfig config) {
    return new TwilioProvider(config, base);
  }

  /** {@code apiKeySecret}, the secret of the API key named by setting {@code apiKeySid}. */
  @Override
  public Set<String> secretSettings() {
    return TwilioAccount.SECRET_SETTINGS;
  }

  /**
   * Runs the checks {@link #create} runs, without building an HTTP client or calling Twilio: the account SID's
   * shape ({@code AC} or {@code SK} and 32 hex digits), every setting (unknown keys and secrets in the plain
   * settings refused), the secret settings (unknown names refused) and the token or API key secret needed.
   *
   * @throws org.smskit.core.InvalidInputException naming the field ({@code account_sid}, {@code auth_token},
   *     {@code settings.<key>}) and the rule broken
   */
  @Override
  public void validate(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    TwilioAccount.of(config, TwilioSettings.parse(config.settingsJson()));
  }
}
