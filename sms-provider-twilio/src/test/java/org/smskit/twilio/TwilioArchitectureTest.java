package org.smskit.twilio;

import java.util.Set;
import org.smskit.core.spi.ProviderArchitectureRules;

/** The Twilio provider keeps the rules of every provider module (see {@link ProviderArchitectureRules}). */
class TwilioArchitectureTest extends ProviderArchitectureRules {
  TwilioArchitectureTest() {
    super("org.smskit.twilio", Set.of("TwilioProviderFactory", "TwilioProvider"), "org.smskit.vonage");
  }
}
