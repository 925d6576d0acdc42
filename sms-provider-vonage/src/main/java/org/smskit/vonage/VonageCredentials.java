package org.smskit.vonage;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.ProviderConfig;

/**
 * The credentials of one Vonage account: the API key ({@link ProviderConfig#accountSid()}), the API secret (the
 * decrypted {@link ProviderConfig#authToken()}) and, optionally, the signature secret, from the secret setting
 * {@value #SIGNATURE_SECRET} (stored encrypted by the service, handed over in {@link ProviderConfig#secrets()}) or
 * from the environment variable named by the {@code signatureSecretEnv} setting; one of the two, never both.
 *
 * <p>{@link #toString()} shows the API key only.
 */
record VonageCredentials(String apiKey, Secret apiSecret, @Nullable Secret signatureSecret) {
  /** The one secret setting this provider reads. */
  static final String SIGNATURE_SECRET = "signatureSecret";
  /**
   * What an API key may hold: no blank, no control character, and no colon, which would end the user name of HTTP
   * Basic (RFC 7617) and so break every Messages and Reports API call. Vonage's keys are 8 letters and digits, but
   * {@link VonageProviderFactory#create} has always taken any non-blank key, so registration refuses only what
   * can never work.
   */
  private static final Pattern API_KEY = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+");

  Optional<Secret> signature() {
    return Optional.ofNullable(signatureSecret);
  }

  /**
   * @param environment reads an environment variable (null when unset)
   * @throws InvalidInputException naming {@code account_sid}, {@code auth_token}, {@code settings.<name>} of an
   *     unknown or empty secret setting, or {@code settings.signatureSecretEnv}; never quoting a secret
   */
  static VonageCredentials from(ProviderConfig config, VonageSettings settings,
      Function<String, String> environment) {
    for (String name : config.secrets().keySet()) {
      if (!SIGNATURE_SECRET.equals(name)) {
        throw new InvalidInputException("settings." + name,
            "is not a Vonage secret setting (only " + SIGNATURE_SECRET + ")");
      }
    }
    String apiKey = config.accountSid();
    if (apiKey == null || apiKey.isBlank()) {
      throw new InvalidInputException("account_sid", "must hold the Vonage API key");
    }
    String apiSecret = config.token().map(Secret::reveal).map(String::strip).orElse("");
    if (apiSecret.isEmpty()) {
      throw new InvalidInputException("auth_token", "must hold the Vonage API secret");
    }
    Secret signatureSecret = config.secret(SIGNATURE_SECRET).orElse(null);
    if (signatureSecret != null && signatureSecret.reveal().isBlank()) {
      throw new InvalidInputException("settings." + SIGNATURE_SECRET, "must not be empty");
    }
    String variable = settings.signatureSecretEnv();
    if (variable != null) {
      if (signatureSecret != null) {
        throw new InvalidInputException("settings.signatureSecretEnv",
            "must not be set together with the secret setting " + SIGNATURE_SECRET + " (one source only)");
      }
      String value = environment.apply(variable);
      if (value == null || value.isBlank()) {
        throw new InvalidInputException("settings.signatureSecretEnv",
            "names environment variable " + variable + ", which is not set");
      }
      signatureSecret = Secret.of(value.strip());
    }
    return new VonageCredentials(apiKey.strip(), Secret.of(apiSecret),
        signatureSecret == null ? null : Secret.of(signatureSecret.reveal().strip()));
  }

  /**
   * @throws InvalidInputException on {@code account_sid} for a key that cannot authenticate
   */
  void checkApiKeyShape() {
    if (!API_KEY.matcher(apiKey).matches()) {
      throw new InvalidInputException("account_sid", "must be the Vonage API key: printable ASCII without spaces or"
          + " colons (Vonage's keys are 8 letters and digits)");
    }
  }

  @Override
  public String toString() {
    return "VonageCredentials[apiKey=" + apiKey + ", apiSecret=***, signatureSecret="
        + (signatureSecret == null ? "none" : "***") + "]";
  }
}
