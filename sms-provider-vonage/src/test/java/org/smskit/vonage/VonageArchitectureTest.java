package org.smskit.vonage;

import java.util.Set;
import org.smskit.core.spi.ProviderArchitectureRules;

/**
 * The Vonage provider (SMS API and Messages API) keeps the rules of every provider module (see {@link
 * ProviderArchitectureRules}).
 */
class VonageArchitectureTest extends ProviderArchitectureRules {
  VonageArchitectureTest() {
    super("org.smskit.vonage", Set.of("VonageProviderFactory", "VonageProvider"), "org.smskit.twilio");
  }
}
