package org.smskit.core.spi;

import java.math.BigDecimal;
import java.util.List;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.status.MessageStatus;

/**
 * What a provider answered to a send it accepted.
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
}
