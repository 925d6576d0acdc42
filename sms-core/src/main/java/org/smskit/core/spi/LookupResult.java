package org.smskit.core.spi;

import java.math.BigDecimal;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.status.MessageStatus;

/** What a provider knows of a message that {@link SmsProvider#lookup} asked about. */
public sealed interface LookupResult {

  /**
   * The provider has the message. Plugins build it with {@link #builder(String, MessageStatus, String)}, not with
   * the canonical constructor: it gains parameters when the SPI grows.
   *
   * @param providerMessageId its id at the provider
   * @param status its status mapped onto ours
   * @param providerStatus the provider's own word for it
   * @param errorCode the provider's error code, when it has one
   * @param price what it cost, when the provider says
   * @param priceCurrency ISO 4217 code of {@code price}
   * @param rawResponse the provider's answer, kept for support cases
   */
  record Found(String providerMessageId, MessageStatus status, String providerStatus, @Nullable String errorCode,
      @Nullable BigDecimal price, @Nullable String priceCurrency, String rawResponse) implements LookupResult {
    public Found {
      Require.nonNull(providerMessageId, "provider_message_sid");
      Require.nonNull(status, "status");
      Require.nonNull(providerStatus, "provider_status");
      Require.nonNull(rawResponse, "provider_payload");
    }

    /** A builder for the provider's record of its message {@code providerMessageId}, now in {@code status}. */
    public static Builder builder(String providerMessageId, MessageStatus status, String providerStatus) {
      return new Builder(providerMessageId, status, providerStatus);
    }

    /**
     * Builds a {@link Found}. Defaults: no {@code errorCode}, {@code price} or {@code priceCurrency};
     * {@code rawResponse} empty. {@link #build()} refuses what the record refuses. Not thread-safe.
     */
    public static final class Builder {
      private final String providerMessageId;
      private final MessageStatus status;
      private final String providerStatus;
      private @Nullable String errorCode;
      private @Nullable BigDecimal price;
      private @Nullable String priceCurrency;
      private String rawResponse = "";

      private Builder(String providerMessageId, MessageStatus status, String providerStatus) {
        this.providerMessageId = providerMessageId;
        this.status = status;
        this.providerStatus = providerStatus;
      }

      public Builder errorCode(@Nullable String value) { errorCode = value; return this; }
      public Builder price(@Nullable BigDecimal value) { price = value; return this; }
      public Builder priceCurrency(@Nullable String value) { priceCurrency = value; return this; }
      public Builder rawResponse(String value) { rawResponse = value; return this; }

      /** @throws org.smskit.core.InvalidInputException naming the field, as the record's constructor does */
      public Found build() {
        return new Found(providerMessageId, status, providerStatus, errorCode, price, priceCurrency, rawResponse);
      }
    }
  }

  /**
   * The provider's own records prove it never created the message (for example, an exhaustive search of every
   * message to the recipient in the window found none). Only then may the caller send it again.
   *
   * @param evidence what was searched, for the audit trail
   */
  record NotFound(String evidence) implements LookupResult {
    public NotFound {
      Require.nonNull(evidence, "evidence");
    }
  }

  /**
   * Nothing can be concluded: the provider offers no lookup, the search was ambiguous, or it failed. The message
   * stays held.
   *
   * @param reason why, for the operator
   */
  record Unknown(String reason) implements LookupResult {
    public Unknown {
      Require.nonNull(reason, "reason");
    }
  }
}
