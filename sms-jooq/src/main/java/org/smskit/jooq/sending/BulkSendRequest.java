package org.smskit.jooq.sending;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;

/**
 * One text to up to {@value #MAX_RECIPIENTS} recipients through a messaging service (a campaign), each with its own
 * {@link BulkResult}. Recipients are typed the way people type them (a null or unreadable one: {@link
 * BulkResult.Outcome#INVALID_NUMBER}). For more recipients, stream them with {@link BulkMessage}.
 *
 * @param campaignKey names the campaign: a recipient already sent to under the same key (in this or an earlier
 *     call) is reported {@link BulkResult.Outcome#DUPLICATE} instead of being sent to twice; null to de-duplicate
 *     within this call only
 * @param region the region to read national numbers in; null for the service's default
 * @param sendAt when to send; null for as soon as the dispatcher can
 */
public record BulkSendRequest(
    UUID serviceAccountId,
    String body,
    List<String> recipients,
    @Nullable String campaignKey,
    @Nullable String region,
    @Nullable Instant sendAt,
    String metadataJson) {

  /** The most recipients one call takes. */
  public static final int MAX_RECIPIENTS = 10_000;

  public BulkSendRequest {
    Require.nonNull(serviceAccountId, "service_account_id");
    Require.nonNull(body, "body");
    // Not List.copyOf: a null recipient is one bad number among many, reported in its own result.
    recipients = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(
        Require.nonNull(recipients, "recipients")));
    new BulkMessage(serviceAccountId, body, campaignKey, region, sendAt, metadataJson); // checks the rest
    if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
      throw new InvalidInputException("recipients", "must list 1 to " + MAX_RECIPIENTS + " numbers");
    }
  }

  /** The message, without its recipients. */
  public BulkMessage message() {
    return new BulkMessage(serviceAccountId, body, campaignKey, region, sendAt, metadataJson);
  }

  public static BulkSendRequest of(UUID serviceAccountId, String body, List<String> recipients, String campaignKey) {
    return new BulkSendRequest(serviceAccountId, body, recipients, campaignKey, null, null, "{}");
  }
}
