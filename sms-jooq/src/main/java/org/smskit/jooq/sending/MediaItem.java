package org.smskit.jooq.sending;

import java.net.URI;
import java.util.Locale;
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

  /**
   * The attachment's {@code file_type} for a MIME type: {@code image}, {@code video}, {@code audio}, {@code text},
   * or {@code document}; null when the MIME type is unknown.
   */
  public static @Nullable String fileTypeOf(@Nullable String mimeType) {
    if (mimeType == null || !mimeType.contains("/")) {
      return null;
    }
    String major = mimeType.substring(0, mimeType.indexOf('/')).toLowerCase(Locale.ROOT);
    return switch (major) {
      case "image", "video", "audio", "text" -> major;
      default -> "document";
    };
  }

  public static MediaItem of(String url, @Nullable String mimeType) {
    return new MediaItem(URI.create(url), mimeType, null, null);
  }
}
