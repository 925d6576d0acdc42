package org.smskit.core.model;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;

/**
 * A media file of a message ({@code sms_attachments}); deleted with its message.
 *
 * @param fileType a coarse kind derived from the MIME type ({@code image}, {@code video}, {@code audio},
 *     {@code document}...)
 * @param providerMediaSid the provider's id for the media, such as Twilio's {@code MediaSid}
 */
public record Attachment(
    UUID id,
    UUID messageId,
    String fileUrl,
    @Nullable String fileName,
    @Nullable String fileType,
    @Nullable Integer fileSize,
    @Nullable String mimeType,
    @Nullable String providerMediaSid,
    @Nullable Instant createdAt) {

  public Attachment {
    Require.nonNull(id, "id");
    Require.nonNull(messageId, "message_id");
    Require.nonNull(fileUrl, "file_url");
  }

  /** A new attachment of {@code messageId} with a fresh id. */
  public static Attachment create(UUID messageId, String fileUrl, @Nullable String mimeType) {
    return new Attachment(Ids.newId(), messageId, fileUrl, null, null, null, mimeType, null, null);
  }
}
