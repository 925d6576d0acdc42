package org.smskit.core.model;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.crypto.EncryptedValue;

/**
 * An account at an SMS provider ({@code sms_sender_accounts}): which provider, the account SID or API key,
 * the encrypted auth token and provider-specific settings.
 *
 * @param provider the provider's SPI name, lower case ({@code twilio}, {@code vonage})
 * @param authToken the token, encrypted; never plaintext
 * @param settingsJson a JSON object of provider settings (never secrets in clear)
 * @param createdAt set by the database; null before the row is stored
 */
public record SenderAccount(
    UUID id,
    @Nullable String accountName,
    String provider,
    @Nullable String accountSid,
    @Nullable EncryptedValue authToken,
    String settingsJson,
    boolean active,
    @Nullable Instant createdAt,
    @Nullable Instant updatedAt) {

  public SenderAccount {
    Require.nonNull(id, "id");
    Require.nonNull(provider, "provider");
    Require.nonNull(settingsJson, "settings");
  }

  /** A new, active account with a fresh id and no settings. */
  public static SenderAccount create(String accountName, String provider, @Nullable String accountSid,
      @Nullable EncryptedValue authToken) {
    return new SenderAccount(Ids.newId(), accountName, provider, accountSid, authToken, "{}", true, null, null);
  }

  public SenderAccount withAuthToken(@Nullable EncryptedValue token) {
    return new SenderAccount(id, accountName, provider, accountSid, token, settingsJson, active, createdAt,
        updatedAt);
  }

  public SenderAccount withSettingsJson(String json) {
    return new SenderAccount(id, accountName, provider, accountSid, authToken, json, active, createdAt, updatedAt);
  }

  public SenderAccount withActive(boolean isActive) {
    return new SenderAccount(id, accountName, provider, accountSid, authToken, settingsJson, isActive, createdAt,
        updatedAt);
  }
}
