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
}
