package org.smskit.jooq.sending;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.InvalidPhoneNumberException;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.jooq.internal.JsonObjects;

/**
 * What to send, to whom, from where. Build with {@link #to(String)}; name the sender with one of
 * {@link Builder#fromNumber}, {@link Builder#fromService} or {@link Builder#fromAccount}.
 *
 * <p>The sender is chosen like this: a named number is used as is; otherwise, for a service or an account, the
 * contact's assigned number if it is active and belongs to that account, else the account's active primary
 * number, else its oldest active number.
 *
 * @param to the recipient as typed ({@code (415) 555-0100} with the default region, {@code +44 20 ...})
 * @param region the region to read a national {@code to} in; null for the service's default region
 * @param idempotencyKey a key of the caller's; sending again with it returns the first message, even concurrently
 * @param userId the host user on whose behalf the message is sent
 * @param metadataJson a JSON object stored with the message
 * @param sendAt when to send; null for as soon as possible (the message is {@code scheduled} until then)
 * @param providerOptions per-message provider options (Twilio {@code ContentSid}, a validity...), checked by the
 *     provider of the sender's account when the message is queued and stored with it
 */
public record SendRequest(
    String to,
    @Nullable String region,
    @Nullable String body,
    List<MediaItem> media,
    @Nullable UUID senderNumberId,
    @Nullable UUID serviceAccountId,
    @Nullable UUID senderAccountId,
    @Nullable String idempotencyKey,
    @Nullable String userId,
    String metadataJson,
    @Nullable java.time.Instant sendAt,
    ProviderOptions providerOptions) {

  public SendRequest {
    Require.nonNull(providerOptions, "options");
    if (to == null) {
      throw new InvalidPhoneNumberException("to_number", InvalidPhoneNumberException.Reason.MISSING);
    }
    media = List.copyOf(Require.nonNull(media, "media"));
    JsonObjects.require("metadata", Require.nonNull(metadataJson, "metadata"));
    int senders = (senderNumberId == null ? 0 : 1) + (serviceAccountId == null ? 0 : 1)
        + (senderAccountId == null ? 0 : 1);
    if (senders == 0) {
      throw new InvalidInputException("from", "name a sender number, a service account or a sender account");
    }
    if (senderNumberId != null && senders > 1) {
      throw new InvalidInputException("from", "a sender number cannot be combined with a service or an account");
    }
    if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 200)) {
      throw new InvalidInputException("idempotency_key", "must be 1 to 200 characters");
    }
  }

  public static Builder to(String to) {
    return new Builder(to);
  }

  /** Builds a {@link SendRequest}. */
  public static final class Builder {
    private final String to;
    private String region;
    private String body;
    private final List<MediaItem> media = new ArrayList<>();
    private UUID senderNumberId;
    private UUID serviceAccountId;
    private UUID senderAccountId;
    private String idempotencyKey;
    private String userId;
    private String metadataJson = "{}";
    private java.time.Instant sendAt;
    private ProviderOptions providerOptions = ProviderOptions.NONE;

    private Builder(String to) {
      this.to = to;
    }

    public Builder region(String value) { region = value; return this; }
    public Builder body(String value) { body = value; return this; }
    public Builder media(MediaItem item) { media.add(item); return this; }
    public Builder fromNumber(UUID numberId) { senderNumberId = numberId; return this; }
    public Builder fromService(UUID serviceId) { serviceAccountId = serviceId; return this; }
    public Builder fromAccount(UUID accountId) { senderAccountId = accountId; return this; }
    public Builder idempotencyKey(String value) { idempotencyKey = value; return this; }
    public Builder userId(String value) { userId = value; return this; }
    public Builder metadataJson(String value) { metadataJson = value; return this; }
    public Builder sendAt(java.time.Instant value) { sendAt = value; return this; }
    /** Provider options for this message; see {@link ProviderOptions}. Default: none. */
    public Builder options(ProviderOptions value) { providerOptions = value; return this; }

    public SendRequest build() {
      return new SendRequest(to, region, body, media, senderNumberId, serviceAccountId, senderAccountId,
          idempotencyKey, userId, metadataJson, sendAt, providerOptions);
    }
  }
}
