package org.smskit.jooq.sending;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.spi.ProviderOptions;

/**
 * What a bulk send sends: one text through a messaging service, to recipients given apart (a list in a {@link
 * BulkSendRequest}, or any number streamed to {@code SmsService.bulkSend(BulkMessage, Iterable, Consumer)}).
 *
 * @param campaignKey names the campaign: a recipient already sent to under the same key (in this or an earlier
 *     call) is reported {@link BulkResult.Outcome#DUPLICATE} instead of being sent to twice; null to de-duplicate
 *     within the call only
 * @param region the region to read national numbers in; null for the service's default
 * @param sendAt when to send; null for as soon as the dispatcher can
 * @param providerOptions provider options for every message, checked by the service's provider before anything is
 *     queued (see {@code SendRequest.Builder.options})
 */
public record BulkMessage(
    UUID serviceAccountId,
    String body,
    @Nullable String campaignKey,
    @Nullable String region,
    @Nullable Instant sendAt,
    String metadataJson,
    ProviderOptions providerOptions) {

  public BulkMessage {
    Require.nonNull(serviceAccountId, "service_account_id");
    Require.nonNull(providerOptions, "options");
    Require.nonNull(body, "body");
    Require.nonNull(metadataJson, "metadata");
    if (campaignKey != null && (campaignKey.isEmpty() || campaignKey.length() > 100)) {
      throw new InvalidInputException("campaign_key", "must be 1 to 100 characters");
    }
  }

  /** Without provider options. */
  public BulkMessage(UUID serviceAccountId, String body, @Nullable String campaignKey, @Nullable String region,
      @Nullable Instant sendAt, String metadataJson) {
    this(serviceAccountId, body, campaignKey, region, sendAt, metadataJson, ProviderOptions.NONE);
  }

  /** This message with {@code options} for every recipient. */
  public BulkMessage withOptions(ProviderOptions options) {
    return new BulkMessage(serviceAccountId, body, campaignKey, region, sendAt, metadataJson, options);
  }

  /** {@code body} through the service, as soon as possible, under {@code campaignKey} (null for none). */
  public static BulkMessage of(UUID serviceAccountId, String body, @Nullable String campaignKey) {
    return new BulkMessage(serviceAccountId, body, campaignKey, null, null, "{}");
  }
}
