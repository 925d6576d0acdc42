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
 * were stored encrypted among those settings. Build it with {@link #builder()} (or {@link #of}) and derive a
 * changed copy with {@link #toBuilder()}, not with the canonical constructor: it gains parameters when the SPI
 * grows.
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

  /** A configuration on the system clock without secret settings. */
  public static ProviderConfig of(@Nullable String accountSid, @Nullable Secret authToken, String settingsJson) {
    return builder().accountSid(accountSid).authToken(authToken).settingsJson(settingsJson).build();
  }

  /** A builder with every value at its default; see {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every value of this configuration. */
  public Builder toBuilder() {
    return builder().accountSid(accountSid).authToken(authToken).settingsJson(settingsJson).clock(clock)
        .secrets(secrets);
  }

  /** A secret setting, decrypted. */
  public Optional<Secret> secret(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  public Optional<Secret> token() {
    return Optional.ofNullable(authToken);
  }

  /**
   * Builds a {@link ProviderConfig}. Defaults: no {@code accountSid}, no {@code authToken}, {@code settingsJson}
   * {@code {}}, the {@link Clock#systemUTC() system clock}, no {@code secrets}. {@link #build()} refuses what the
   * record refuses. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable String accountSid;
    private @Nullable Secret authToken;
    private String settingsJson = "{}";
    private Clock clock = Clock.systemUTC();
    private Map<String, Secret> secrets = Map.of();

    private Builder() {}

    public Builder accountSid(@Nullable String value) { accountSid = value; return this; }
    public Builder authToken(@Nullable Secret value) { authToken = value; return this; }
    public Builder settingsJson(String value) { settingsJson = value; return this; }
    public Builder clock(Clock value) { clock = value; return this; }
    public Builder secrets(Map<String, Secret> value) { secrets = value; return this; }

    /** @throws org.smskit.core.InvalidInputException naming the field, as the record's constructor does */
    public ProviderConfig build() {
      return new ProviderConfig(accountSid, authToken, settingsJson, clock, secrets);
    }
  }
}
