package org.smskit.core.spi;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.Address;

/**
 * A message whose fate at the provider is unknown (a send timed out, a worker died mid-call), to be looked up
 * there.
 *
 * @param messageId our id (sent as the client reference where the provider has one)
 * @param providerMessageId the provider's id, when an answer or a report gave one; null when the request timed
 *     out before any id came back
 * @param to the recipient
 * @param from the sender number the request named; null when only a messaging service was named
 * @param body the text sent, to tell our message from others to the same recipient
 * @param sentAfter when the first request that may have reached the provider was started (minus nothing: the
 *     provider's clock may differ, so implementations widen the window themselves)
 * @param sentBefore when the last such request ended, or when the lookup runs
 */
public record LookupRequest(
    UUID messageId,
    @Nullable String providerMessageId,
    Address to,
    @Nullable Address from,
    @Nullable String body,
    Instant sentAfter,
    Instant sentBefore) {

  public LookupRequest {
    Require.nonNull(messageId, "message_id");
    Require.nonNull(to, "to_number");
    Require.nonNull(sentAfter, "sent_after");
    Require.nonNull(sentBefore, "sent_before");
  }

  public Optional<String> knownProviderId() {
    return Optional.ofNullable(providerMessageId);
  }
}
