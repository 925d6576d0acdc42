package org.smskit.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.ProviderCapabilities;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviders;

class TwilioDiscoveryTest {

  @Test
  void serviceLoaderFindsTwilioAndNotTheSimulatedProvider() {
    SmsProviders providers = SmsProviders.discover();

    assertThat(providers.names()).contains("twilio").doesNotContain("simulated");
    assertThat(providers.factory("twilio")).isInstanceOf(TwilioProviderFactory.class);
  }

  @Test
  void discoveredFactoryCreatesATwilioProviderForAnAccount() {
    try (SmsProvider twilio = SmsProviders.discover().create("twilio",
        ProviderConfig.of(Fixtures.ACCOUNT_SID, Secret.of(Fixtures.AUTH_TOKEN), "{}"))) {
      assertThat(twilio).isInstanceOf(TwilioProvider.class);
      assertThat(twilio.name()).isEqualTo("twilio");
      assertThat(twilio.capabilities()).isEqualTo(ProviderCapabilities.builder().mms(true).unicode(true)
          .messagingServices(true).maxMediaPerMessage(10).build());
    }
  }

  @Test
  void explicitRegistrationNeedsNoDiscovery() {
    assertThat(SmsProviders.of(new TwilioProviderFactory()).names()).containsExactly("twilio");
  }
}
