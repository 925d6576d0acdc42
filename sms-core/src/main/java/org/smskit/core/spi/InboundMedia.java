package org.smskit.core.spi;

import org.smskit.core.Nullable;
import org.smskit.core.Require;

/**
 * A media file attached to an inbound message.
 *
 * @param url where the provider serves it (Twilio media URLs need the account's credentials to fetch)
 * @param providerMediaId the provider's id of the media (Twilio {@code MediaSid}), when known
 */
public record InboundMedia(String url, @Nullable String contentType, @Nullable String providerMediaId) {
  public InboundMedia {
    Require.nonNull(url, "file_url");
  }
}
