package org.smskit.core.spi;

/**
 * What a provider can do, so that the service refuses what it cannot before any call. Plugins build it with
 * {@link #builder()}, not with the canonical constructor: it gains parameters when the SPI grows.
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

  /** A builder for a provider that can do nothing beyond plain GSM text from a number; see {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link ProviderCapabilities}. Defaults: everything off ({@code mms}, {@code unicode},
   * {@code messagingServices} false, {@code maxMediaPerMessage} 0), so that a plugin claims only what it sets.
   * Not thread-safe.
   */
  public static final class Builder {
    private boolean mms;
    private boolean unicode;
    private boolean messagingServices;
    private int maxMediaPerMessage;

    private Builder() {}

    public Builder mms(boolean value) { mms = value; return this; }
    public Builder unicode(boolean value) { unicode = value; return this; }
    public Builder messagingServices(boolean value) { messagingServices = value; return this; }
    public Builder maxMediaPerMessage(int value) { maxMediaPerMessage = value; return this; }

    /** @throws IllegalArgumentException when {@code maxMediaPerMessage} is negative, or positive without MMS */
    public ProviderCapabilities build() {
      return new ProviderCapabilities(mms, unicode, messagingServices, maxMediaPerMessage);
    }
  }
}
