package org.smskit.core.simulated;

import org.smskit.core.InvalidInputException;
import org.smskit.core.Require;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviderFactory;

/**
 * Creates {@link SimulatedProvider}s, all talking to one {@link SimulatedNetwork}, under the name {@code
 * simulated}. Never discovered through {@code ServiceLoader}, so that a test double cannot answer for a real provider
 * in production: register it ({@code SmsProviders.of(new SimulatedProviderFactory(network))} or {@code
 * SmsProviders.discover().with(...)}), built on your own network to script it and inspect what was sent.
 */
public final class SimulatedProviderFactory implements SmsProviderFactory {
  private final SimulatedNetwork network;

  /** For {@link java.util.ServiceLoader}: a factory with a network of its own. */
  public SimulatedProviderFactory() {
    this(new SimulatedNetwork());
  }

  public SimulatedProviderFactory(SimulatedNetwork network) {
    this.network = Require.nonNull(network, "network");
  }

  public SimulatedNetwork network() {
    return network;
  }

  @Override
  public String name() {
    return SimulatedProvider.NAME;
  }

  @Override
  public SmsProvider create(ProviderConfig config) {
    return new SimulatedProvider(config, network);
  }

  /**
   * Requires the auth token, which signs the simulated webhooks. The simulated provider reads no settings and
   * any account id, so neither is checked.
   *
   * @throws InvalidInputException on field {@code auth_token} when there is none
   */
  @Override
  public void validate(ProviderConfig config) {
    Require.nonNull(config, "config");
    if (config.token().isEmpty()) {
      throw new InvalidInputException("auth_token", SimulatedProvider.TOKEN_RULE);
    }
  }
}
