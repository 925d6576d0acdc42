package org.smskit.core.spi;

/**
 * What a provider can do, so that the service refuses what it cannot before any call.
 *
 * @param mms media messages
 * @param unicode UCS-2 bodies (emoji, non-Latin scripts)
 * @param messagingServices sending through a provider-side messaging service instead of a number
 * @param maxMediaPerMessage how many media URLs one message may carry (0 without MMS)
 */
public record ProviderCapabilities(boolean mms, boolean unicode, boolean messagingServices, int maxMediaPerMessage) {
  public ProviderCapabilities {
    if (maxMediaPerMessage < 0 || (!mms && maxMediaPerMessage > 0)) {
      throw new IllegalArgumentException("maxMediaPerMessage must be 0 without MMS and never negative");
    }
  }
}
