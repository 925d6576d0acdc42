package org.smskit.core.spi;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.status.MessageStatus;

/**
 * What a provider answered to a send it accepted. Plugins build it with {@link #builder(String, MessageStatus)},
 * not with the canonical constructor: it gains parameters when the SPI grows.
 *
 * @param providerMessageId the provider's id for the message (the first part's id when it was split)
 * @param status our status for the provider's answer (usually {@code queued}, {@code sending} or {@code sent})
 * @param segments how many segments the provider counted, when it says
 * @param price the price, when the provider says (positive: what was charged)
 * @param priceCurrency ISO 4217 code of {@code price}
 * @param partIds the ids of every part when the provider split the message itself (Vonage); else just one
 * @param rawResponse the provider's response body, kept for support cases
 */
public record SendResult(
    String providerMessageId,
    MessageStatus status,
    @Nullable Integer segments,
    @Nullable BigDecimal price,
    @Nullable String priceCurrency,
    List<String> partIds,
    String rawResponse) {

  public SendResult {
    Require.nonNull(providerMessageId, "provider_message_sid");
    Require.nonNull(status, "status");
    partIds = List.copyOf(Require.nonNull(partIds, "part_ids"));
    Require.nonNull(rawResponse, "provider_payload");
  }

  /** A builder for the provider's answer that it accepted the message as {@code providerMessageId}. */
  public static Builder builder(String providerMessageId, MessageStatus status) {
    return new Builder(providerMessageId, status);
  }

  /**
   * Builds a {@link SendResult}. Defaults: no {@code segments}, {@code price} or {@code priceCurrency};
   * {@code partIds} just the {@code providerMessageId}; {@code rawResponse} empty. {@link #build()} refuses what
   * the record refuses. Not thread-safe.
   */
  public static final class Builder {
    private final String providerMessageId;
    private final MessageStatus status;
    private @Nullable Integer segments;
    private @Nullable BigDecimal price;
    private @Nullable String priceCurrency;
    private @Nullable List<String> partIds;
    private String rawResponse = "";

    private Builder(String providerMessageId, MessageStatus status) {
      this.providerMessageId = providerMessageId;
      this.status = status;
    }

    public Builder segments(@Nullable Integer value) { segments = value; return this; }
    public Builder price(@Nullable BigDecimal value) { price = value; return this; }
    public Builder priceCurrency(@Nullable String value) { priceCurrency = value; return this; }
    /** Every part's id, when the provider split the message itself; null refused (null stands for the default). */
    public Builder partIds(List<String> value) { partIds = Require.nonNull(value, "part_ids"); return this; }
    public Builder rawResponse(String value) { rawResponse = value; return this; }

    /** @throws org.smskit.core.InvalidInputException naming the field, as the record's constructor does */
    public SendResult build() {
      // singletonList takes a null id, so that the record refuses it by name
      return new SendResult(providerMessageId, status, segments, price, priceCurrency,
          partIds != null ? partIds : Collections.singletonList(providerMessageId), rawResponse);
    }
  }
}
