package org.smskit.jooq.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.crypto.SecretCipher;
import org.smskit.core.crypto.SecretContext;

/**
 * Encrypts an account's auth token and secret settings with the row's tenant, table, column and id as associated
 * data. Secret settings live in {@code settings} as top-level strings {@code enc:v1:...}, each bound to its own
 * name ({@code settings_<name>}), so neither can be moved to another key, column or row. Nothing is encrypted
 * before the active key has passed its key check ({@link KeyChecks}).
 */
public final class Credentials {
  static final String TABLE = "sms_sender_accounts";
  private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,53}");

  private final SecretCipher cipher;
  private final KeyChecks keyChecks;

  public Credentials(SecretCipher cipher, KeyChecks keyChecks) {
    this.cipher = cipher;
    this.keyChecks = keyChecks;
  }

  /** For decryption; encrypt only through this class, which checks the key first. */
  public SecretCipher cipher() {
    return cipher;
  }

  public KeyChecks keyChecks() {
    return keyChecks;
  }

  /**
   * Checks the active key against the installation's key check (once per service). Call it before a transaction
   * that encrypts, so that the check's own transaction is not opened inside it.
   *
   * @throws org.smskit.core.crypto.KeyMismatchException when the active key differs from the installation's key
   *     with that id
   */
  public void requireActiveKey() {
    keyChecks.requireActive();
  }

  /** {@code value} under the active key ({@code value} itself when it already is). */
  public EncryptedValue reencrypt(EncryptedValue value, SecretContext context) {
    requireActiveKey();
    return cipher.reencrypt(value, context);
  }

  /** {@code value} encrypted under the active key, bound to {@code context}. */
  public EncryptedValue encrypt(String value, SecretContext context) {
    requireActiveKey();
    return cipher.encrypt(value, context);
  }

  public static SecretContext tokenContext(TenantId tenant, UUID accountId) {
    return SecretContext.of(tenant, TABLE, "auth_token", accountId);
  }

  public static SecretContext settingContext(TenantId tenant, UUID accountId, String name) {
    return SecretContext.of(tenant, TABLE, "settings_" + name.toLowerCase(Locale.ROOT), accountId);
  }

  public @Nullable EncryptedValue encryptToken(TenantId tenant, UUID accountId, @Nullable String token) {
    if (token == null) {
      return null;
    }
    requireActiveKey();
    return cipher.encrypt(token, tokenContext(tenant, accountId));
  }

  /** {@code settingsJson} with every secret setting added, encrypted. */
  public String withSecretSettings(TenantId tenant, UUID accountId, String settingsJson, Map<String, String> secrets) {
    checkSettingNames(secrets.keySet());
    if (!secrets.isEmpty()) {
      requireActiveKey();
    }
    Map<String, String> encrypted = new LinkedHashMap<>();
    secrets.forEach((name, value) ->
        encrypted.put(name, cipher.encrypt(value, settingContext(tenant, accountId, name)).format()));
    return withStrings(settingsJson, encrypted);
  }

  public static void checkSettingNames(Iterable<String> names) {
    for (String name : names) {
      if (name == null || !SETTING_NAME.matcher(name).matches()) {
        throw new InvalidInputException("settings." + name, "secret setting names are [A-Za-z][A-Za-z0-9_]*");
      }
    }
  }

  /**
   * Adds string members to a JSON object text. Names were checked as plain identifiers and values are
   * {@code enc:v1:} tokens (base64 and key ids), so neither needs escaping; PostgreSQL validates the result.
   */
  public static String withStrings(String json, Map<String, String> members) {
    String trimmed = JsonObjects.require("settings", json).strip();
    if (members.isEmpty()) {
      return trimmed;
    }
    StringBuilder added = new StringBuilder();
    members.forEach((name, value) -> added.append(added.length() == 0 ? "" : ",")
        .append('"').append(name).append("\":\"").append(value).append('"'));
    String inner = trimmed.substring(1, trimmed.length() - 1).strip();
    return "{" + inner + (inner.isEmpty() ? "" : ",") + added + "}";
  }
}
