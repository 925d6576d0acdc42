package org.smskit.jooq;

import java.net.URI;
import org.smskit.core.Nullable;
import org.smskit.core.Require;

/**
 * A media file to send with an MMS: a public URL the provider can fetch, and what is known about it (recorded
 * on the attachment row).
 */
public record MediaItem(URI url, @Nullable String mimeType, @Nullable String fileName, @Nullable Integer fileSize) {
  public MediaItem {
    Require.nonNull(url, "media.url");
    if (!"https".equalsIgnoreCase(url.getScheme()) && !"http".equalsIgnoreCase(url.getScheme())) {
      throw new org.smskit.core.InvalidInputException("media.url", "must be an http(s) URL the provider can fetch");
    }
  }

  public static MediaItem of(String url, @Nullable String mimeType) {
    return new MediaItem(URI.create(url), mimeType, null, null);
  }
}
