package org.smskit.core.spi;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.Address;

/**
 * A message whose fate at the provider is unknown (a send timed out, a worker died mid-call), to be looked up
 * there. Build it with {@link #builder(UUID, Address, Instant, Instant)} and derive a changed copy with
 * {@link #toBuilder()}, not with the canonical constructor: it gains parameters when the SPI grows.
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

  /** A builder for looking up our message {@code messageId} to {@code to}, sent between the two instants. */
  public static Builder builder(UUID messageId, Address to, Instant sentAfter, Instant sentBefore) {
    return new Builder(messageId, to, sentAfter, sentBefore);
  }

  /** A builder holding every value of this request. */
  public Builder toBuilder() {
    return builder(messageId, to, sentAfter, sentBefore).providerMessageId(providerMessageId).from(from).body(body);
  }

  public Optional<String> knownProviderId() {
    return Optional.ofNullable(providerMessageId);
  }

  /**
   * Builds a {@link LookupRequest}. Defaults: no {@code providerMessageId}, no {@code from}, no {@code body}.
   * {@link #build()} refuses what the record refuses. Not thread-safe.
   */
  public static final class Builder {
    private UUID messageId;
    private Address to;
    private Instant sentAfter;
    private Instant sentBefore;
    private @Nullable String providerMessageId;
    private @Nullable Address from;
    private @Nullable String body;

    private Builder(UUID messageId, Address to, Instant sentAfter, Instant sentBefore) {
      this.messageId = messageId;
      this.to = to;
      this.sentAfter = sentAfter;
      this.sentBefore = sentBefore;
    }

    public Builder messageId(UUID value) { messageId = value; return this; }
    public Builder to(Address value) { to = value; return this; }
    public Builder sentAfter(Instant value) { sentAfter = value; return this; }
    public Builder sentBefore(Instant value) { sentBefore = value; return this; }
    public Builder providerMessageId(@Nullable String value) { providerMessageId = value; return this; }
    public Builder from(@Nullable Address value) { from = value; return this; }
    public Builder body(@Nullable String value) { body = value; return this; }

    /** @throws org.smskit.core.InvalidInputException naming the field, as the record's constructor does */
    public LookupRequest build() {
      return new LookupRequest(messageId, providerMessageId, to, from, body, sentAfter, sentBefore);
    }
  }
}
