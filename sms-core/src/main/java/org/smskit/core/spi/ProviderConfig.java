package org.smskit.core.spi;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.crypto.Secret;

/**
 * What a provider instance is configured from: a sender account's SID or API key, its decrypted token, its
 * provider-specific JSON settings (each provider documents the keys it reads), and the decrypted secrets that
 * were stored encrypted among those settings.
 *
 * @param accountSid the account SID (Twilio) or API key (Vonage); null for providers that need none
 * @param authToken the decrypted auth token or API secret; never logged ({@link Secret#toString()} is redacted)
 * @param settingsJson a JSON object, {@code {}} when empty; holds no secret in clear (encrypted settings are
 *     removed from it and passed decrypted in {@code secrets})
 * @param clock the time source for timestamps and signature windows
 * @param secrets settings that were stored encrypted ({@code enc:v1:...}), decrypted, by setting name (for
 *     example Vonage's {@code signatureSecret} or Twilio's {@code apiKeySecret})
 */
public record ProviderConfig(@Nullable String accountSid, @Nullable Secret authToken, String settingsJson,
    Clock clock, Map<String, Secret> secrets) {

  public ProviderConfig {
    Require.nonNull(settingsJson, "settings");
    Require.nonNull(clock, "clock");
    secrets = Map.copyOf(Require.nonNull(secrets, "secrets"));
  }

  /** A configuration without secret settings. */
  public ProviderConfig(@Nullable String accountSid, @Nullable Secret authToken, String settingsJson, Clock clock) {
    this(accountSid, authToken, settingsJson, clock, Map.of());
  }

  /** A secret setting, decrypted. */
  public Optional<Secret> secret(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  public static ProviderConfig of(@Nullable String accountSid, @Nullable Secret authToken, String settingsJson) {
    return new ProviderConfig(accountSid, authToken, settingsJson, Clock.systemUTC());
  }

  public Optional<Secret> token() {
    return Optional.ofNullable(authToken);
  }
}
