package org.smskit.core.spi;

import java.time.Clock;
import java.util.Optional;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.crypto.Secret;

/**
 * What a provider instance is configured from: a sender account's SID or API key, its decrypted token, and its
 * provider-specific JSON settings (each provider documents the keys it reads).
 *
 * @param accountSid the account SID (Twilio) or API key (Vonage); null for providers that need none
 * @param authToken the decrypted auth token or API secret; never logged ({@link Secret#toString()} is redacted)
 * @param settingsJson a JSON object, {@code {}} when empty
 * @param clock the time source for timestamps and signature windows
 */
public record ProviderConfig(@Nullable String accountSid, @Nullable Secret authToken, String settingsJson,
    Clock clock) {

  public ProviderConfig {
    Require.nonNull(settingsJson, "settings");
    Require.nonNull(clock, "clock");
  }

  public static ProviderConfig of(@Nullable String accountSid, @Nullable Secret authToken, String settingsJson) {
    return new ProviderConfig(accountSid, authToken, settingsJson, Clock.systemUTC());
  }

  public Optional<Secret> token() {
    return Optional.ofNullable(authToken);
  }
}
