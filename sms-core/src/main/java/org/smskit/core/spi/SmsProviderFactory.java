package org.smskit.core.spi;

/**
 * Creates providers of one kind; the type {@link java.util.ServiceLoader} discovers. Implementations need a
 * public no-argument constructor and a line in {@code META-INF/services/org.smskit.core.spi.SmsProviderFactory}.
 */
public interface SmsProviderFactory {

  /** The SPI name, lower case, unique among installed providers ({@code twilio}, {@code vonage}). */
  String name();

  /**
   * A provider for one sender account.
   *
   * @throws org.smskit.core.InvalidInputException when the configuration lacks what the provider needs
   */
  SmsProvider create(ProviderConfig config);

  /**
   * Names of the settings that are secrets: they must be registered as secret settings (stored encrypted),
   * never in the plain settings JSON. Default: none.
   */
  default java.util.Set<String> secretSettings() {
    return java.util.Set.of();
  }

  /**
   * Checks a configuration when an account is registered or changed, without any network call: the account id's
   * shape, every setting (unknown keys refused), the secrets it needs. Default: {@link #create} then close.
   *
   * @throws org.smskit.core.InvalidInputException naming the field and the rule broken
   */
  default void validate(ProviderConfig config) {
    create(config).close();
  }
}
