package org.smskit.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.crypto.Secret;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.simulated.SimulatedProviderFactory;

class SmsProvidersTest {

  /** A plugin written as one class: the factory creates configured instances of itself. */
  static final class OneClassProvider implements SmsProviderFactory, SmsProvider {
    @Override
    public String name() {
      return "acme-sms";
    }

    @Override
    public SmsProvider create(ProviderConfig config) {
      return new OneClassProvider();
    }

    @Override
    public ProviderCapabilities capabilities() {
      return ProviderCapabilities.builder().unicode(true).build();
    }

    @Override
    public SendResult send(OutboundMessage message) {
      throw new UnsupportedOperationException();
    }

    @Override
    public WebhookEvent parseWebhook(WebhookRequest request, WebhookContext context) {
      throw new WebhookVerificationException(name(), "never");
    }
  }

  /** A test double must never answer for a real provider in production: it is registered, never discovered. */
  @Test
  void theSimulatedProviderIsNotDiscoveredButWorksWhenRegistered() {
    assertThat(SmsProviders.discover().names()).doesNotContain("simulated");
    SmsProviders providers = SmsProviders.of(new SimulatedProviderFactory());
    assertThat(providers.factory("simulated")).isInstanceOf(SimulatedProviderFactory.class);
    SmsProvider provider = providers.create("simulated", ProviderConfig.of("AC1", Secret.of("t"), "{}"));
    assertThat(provider).isInstanceOf(SimulatedProvider.class);
    assertThat(provider.name()).isEqualTo("simulated");
  }

  @Test
  void explicitRegistrationTakesExactlyTheGivenFactories() {
    SmsProviders providers = SmsProviders.of(new OneClassProvider());
    assertThat(providers.names()).containsExactly("acme-sms");
    assertThat(providers.create("acme-sms", ProviderConfig.of(null, null, "{}")).capabilities().unicode()).isTrue();
  }

  @Test
  void withReplacesAFactoryOfTheSameName() {
    SimulatedProviderFactory mine = new SimulatedProviderFactory();
    SmsProviders providers = SmsProviders.of(new SimulatedProviderFactory()).with(mine);
    assertThat(providers.factory("simulated")).isSameAs(mine);
  }

  @Test
  void unknownProviderIsATypedErrorNamingWhatIsInstalled() {
    assertThatThrownBy(() -> SmsProviders.of(new OneClassProvider()).factory("twilio"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("provider:")
        .hasMessageContaining("acme-sms");
  }

  @Test
  void twoFactoriesClaimingOneNameAreRefused() {
    SmsProviderFactory impostor = new SmsProviderFactory() {
      @Override
      public String name() {
        return "acme-sms";
      }

      @Override
      public SmsProvider create(ProviderConfig config) {
        throw new UnsupportedOperationException();
      }
    };
    assertThatThrownBy(() -> SmsProviders.of(new OneClassProvider(), impostor))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("two providers are named 'acme-sms'");
  }

  @Test
  void factoryNamesMustBeLowerCaseSpiNames() {
    SmsProviderFactory shouting = new SmsProviderFactory() {
      @Override
      public String name() {
        return "Twilio";
      }

      @Override
      public SmsProvider create(ProviderConfig config) {
        throw new UnsupportedOperationException();
      }
    };
    assertThatThrownBy(() -> SmsProviders.of(shouting)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invalid name 'Twilio'");
  }

  @Test
  void providerConfigNeverPrintsTheToken() {
    ProviderConfig config = ProviderConfig.of("AC1", Secret.of("super-secret-token"), "{}");
    assertThat(config.toString()).doesNotContain("super-secret-token").contains("***");
  }
}
