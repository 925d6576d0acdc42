package org.smskit.core.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.Address;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.Encoding;

/**
 * One inbound or outbound message ({@code sms_messages}). Build with {@link #builder()}; derive a changed copy
 * with {@link #toBuilder()}.
 *
 * @param conversationId the conversation key ({@code sms_meta_conversation.conversation_id}); the schema
 *     refuses a message whose conversation does not exist
 * @param providerPayload the provider's raw answer or webhook body, kept for support cases
 * @param metadataJson a JSON object
 * @param segmentCount how many SMS segments the body takes on the air
 * @param price what the provider charged for an outbound message, when it said (positive; in {@code priceUnit})
 * @param priceUnit ISO 4217 currency code of {@code price}; set exactly when {@code price} is
 * @param createdAt set by the database when null
 */
public record Message(
    UUID id,
    Direction direction,
    Address from,
    Address to,
    @Nullable String body,
    int mediaCount,
    MessageStatus status,
    @Nullable String provider,
    @Nullable String providerMessageSid,
    @Nullable String providerErrorCode,
    @Nullable String providerPayload,
    @Nullable Instant receivedAt,
    @Nullable Instant sentAt,
    @Nullable Instant deliveredAt,
    @Nullable Instant failedAt,
    String conversationId,
    @Nullable String userId,
    String metadataJson,
    MessageType messageType,
    @Nullable UUID senderPhoneNumberId,
    @Nullable UUID serviceAccountId,
    @Nullable Instant readAt,
    @Nullable Integer segmentCount,
    @Nullable Encoding encoding,
    @Nullable BigDecimal price,
    @Nullable String priceUnit,
    @Nullable Instant createdAt,
    @Nullable Instant updatedAt) {

  public Message {
    Require.nonNull(id, "id");
    Require.nonNull(direction, "direction");
    Require.nonNull(from, "from_number");
    Require.nonNull(to, "to_number");
    Require.nonNull(status, "status");
    Require.nonNull(conversationId, "conversation_id");
    Require.nonNull(metadataJson, "metadata");
    Require.nonNull(messageType, "message_type");
    if ((price == null) != (priceUnit == null)) {
      throw new org.smskit.core.InvalidInputException("price_unit", "must be given exactly when price is");
    }
    if (priceUnit != null && !priceUnit.matches("[A-Z]{3}")) {
      throw new org.smskit.core.InvalidInputException("price_unit", "must be an ISO 4217 code such as USD");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link Message}; {@code id} defaults to a fresh time-ordered id, {@code metadataJson} to {@code {}}. */
  public static final class Builder {
    private UUID id = Ids.newId();
    private Direction direction;
    private Address from;
    private Address to;
    private String body;
    private int mediaCount;
    private MessageStatus status;
    private String provider;
    private String providerMessageSid;
    private String providerErrorCode;
    private String providerPayload;
    private Instant receivedAt;
    private Instant sentAt;
    private Instant deliveredAt;
    private Instant failedAt;
    private String conversationId;
    private String userId;
    private String metadataJson = "{}";
    private MessageType messageType = MessageType.SMS;
    private UUID senderPhoneNumberId;
    private UUID serviceAccountId;
    private Instant readAt;
    private Integer segmentCount;
    private Encoding encoding;
    private BigDecimal price;
    private String priceUnit;
    private Instant createdAt;
    private Instant updatedAt;

    private Builder() {}

    private Builder(Message m) {
      id = m.id;
      direction = m.direction;
      from = m.from;
      to = m.to;
      body = m.body;
      mediaCount = m.mediaCount;
      status = m.status;
      provider = m.provider;
      providerMessageSid = m.providerMessageSid;
      providerErrorCode = m.providerErrorCode;
      providerPayload = m.providerPayload;
      receivedAt = m.receivedAt;
      sentAt = m.sentAt;
      deliveredAt = m.deliveredAt;
      failedAt = m.failedAt;
      conversationId = m.conversationId;
      userId = m.userId;
      metadataJson = m.metadataJson;
      messageType = m.messageType;
      senderPhoneNumberId = m.senderPhoneNumberId;
      serviceAccountId = m.serviceAccountId;
      readAt = m.readAt;
      segmentCount = m.segmentCount;
      encoding = m.encoding;
      price = m.price;
      priceUnit = m.priceUnit;
      createdAt = m.createdAt;
      updatedAt = m.updatedAt;
    }

    public Builder id(UUID value) { id = value; return this; }
    public Builder direction(Direction value) { direction = value; return this; }
    public Builder from(Address value) { from = value; return this; }
    public Builder to(Address value) { to = value; return this; }
    public Builder body(@Nullable String value) { body = value; return this; }
    public Builder mediaCount(int value) { mediaCount = value; return this; }
    public Builder status(MessageStatus value) { status = value; return this; }
    public Builder provider(@Nullable String value) { provider = value; return this; }
    public Builder providerMessageSid(@Nullable String value) { providerMessageSid = value; return this; }
    public Builder providerErrorCode(@Nullable String value) { providerErrorCode = value; return this; }
    public Builder providerPayload(@Nullable String value) { providerPayload = value; return this; }
    public Builder receivedAt(@Nullable Instant value) { receivedAt = value; return this; }
    public Builder sentAt(@Nullable Instant value) { sentAt = value; return this; }
    public Builder deliveredAt(@Nullable Instant value) { deliveredAt = value; return this; }
    public Builder failedAt(@Nullable Instant value) { failedAt = value; return this; }
    public Builder conversationId(String value) { conversationId = value; return this; }
    public Builder userId(@Nullable String value) { userId = value; return this; }
    public Builder metadataJson(String value) { metadataJson = value; return this; }
    public Builder messageType(MessageType value) { messageType = value; return this; }
    public Builder senderPhoneNumberId(@Nullable UUID value) { senderPhoneNumberId = value; return this; }
    public Builder serviceAccountId(@Nullable UUID value) { serviceAccountId = value; return this; }
    public Builder readAt(@Nullable Instant value) { readAt = value; return this; }
    public Builder segmentCount(@Nullable Integer value) { segmentCount = value; return this; }
    public Builder encoding(@Nullable Encoding value) { encoding = value; return this; }
    /** The provider's charge and its ISO 4217 currency, both or neither. */
    public Builder price(@Nullable BigDecimal value, @Nullable String unit) { price = value; priceUnit = unit; return this; }
    public Builder createdAt(@Nullable Instant value) { createdAt = value; return this; }
    public Builder updatedAt(@Nullable Instant value) { updatedAt = value; return this; }

    public Message build() {
      return new Message(id, direction, from, to, body, mediaCount, status, provider, providerMessageSid,
          providerErrorCode, providerPayload, receivedAt, sentAt, deliveredAt, failedAt, conversationId, userId,
          metadataJson, messageType, senderPhoneNumberId, serviceAccountId, readAt, segmentCount, encoding,
          price, priceUnit, createdAt, updatedAt);
    }
  }
}
