package org.smskit.twilio;

import java.util.Set;
import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.ProviderConfig;

/**
 * Who a provider acts as: the account in the request path, the HTTP Basic user and password, and the auth token
 * that Twilio signs webhooks with (null when the configuration has none, and webhooks are then refused).
 *
 * <p>Three configurations, in order of preference (see the module README):
 * <ol>
 *   <li>{@code AC...} SID + auth token, plus settings {@code apiKeySid} and the secret setting
 *       {@code apiKeySecret}: sends with the API key, verifies webhooks with the auth token (which may be left out
 *       for a send-only account);
 *   <li>{@code AC...} SID + auth token: both with the auth token;
 *   <li>{@code SK...} API key SID + its secret as the token, settings {@code accountSid} naming the account:
 *       sends only, since no auth token is known.
 * </ol>
 */
record TwilioAccount(String accountSid, String user, Secret password, @Nullable Secret webhookToken) {

  static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
  static final Pattern API_KEY_SID = Pattern.compile("SK[0-9a-fA-F]{32}");
  static final String API_KEY_SECRET = "apiKeySecret";
  /** The secret settings this provider reads from {@link ProviderConfig#secrets()}. */
  static final Set<String> SECRET_SETTINGS = Set.of(API_KEY_SECRET);

  /**
   * @throws InvalidInputException naming what is missing, malformed or contradictory
   */
  static TwilioAccount of(ProviderConfig config, TwilioSettings settings) {
    for (String name : config.secrets().keySet()) {
      if (!SECRET_SETTINGS.contains(name)) {
        throw new InvalidInputException("settings." + name, "is not a Twilio secret setting (only "
            + API_KEY_SECRET + ")");
      }
    }
    String sid = config.accountSid() == null ? null : config.accountSid().strip();
    if (sid == null || sid.isEmpty()) {
      throw new InvalidInputException("account_sid", "Twilio needs the account SID (AC...) or an API key SID (SK...)");
    }
    Secret token = config.authToken();
    String keySid = settings.apiKeySid();
    Secret keySecret = config.secret(API_KEY_SECRET).orElse(null);

    if (API_KEY_SID.matcher(sid).matches()) {
      if (keySid != null || keySecret != null) {
        throw new InvalidInputException("settings.apiKeySid", "the account SID is already an API key; give the"
            + " account SID (AC...) with an auth token instead");
      }
      if (settings.accountSid() == null) {
        throw new InvalidInputException("settings.accountSid", "is required with an API key: the account SID"
            + " (AC...) the key belongs to");
      }
      return new TwilioAccount(settings.accountSid(), sid, required(token), null);
    }
    if (!ACCOUNT_SID.matcher(sid).matches()) {
      throw new InvalidInputException("account_sid", "must be an account SID (AC and 32 hex digits) or an API key"
          + " SID (SK and 32 hex digits)");
    }
    if (settings.accountSid() != null && !settings.accountSid().equals(sid)) {
      throw new InvalidInputException("settings.accountSid", "differs from the sender account's account SID");
    }
    if ((keySid == null) != (keySecret == null)) {
      throw new InvalidInputException(keySid == null ? "settings.apiKeySid" : "settings." + API_KEY_SECRET,
          "apiKeySid and the secret setting apiKeySecret go together");
    }
    if (keySid != null) {
      return new TwilioAccount(sid, keySid, keySecret, token);
    }
    return new TwilioAccount(sid, sid, required(token), token);
  }

  boolean usesApiKey() {
    return !user.equals(accountSid);
  }

  private static Secret required(@Nullable Secret token) {
    if (token == null) {
      throw new InvalidInputException("auth_token", "Twilio needs the auth token (or the API key's secret)");
    }
    return token;
  }
}
