package org.smskit.core.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;

/**
 * The rollup of one conversation ({@code sms_meta_conversation}): who it is with, its inbox state, exact
 * counters, and the AI analysis fields. Build with {@link #builder()}.
 *
 * @param conversationId the conversation key that messages carry; unique per tenant
 * @param customerIdCrm the host's CRM customer id ({@code crm_customers.id})
 * @param assignedStaffId the host's user id ({@code sys_users.id}) of the assignee
 * @param unreadCount inbound messages not yet read
 * @param sentimentScore between -1 and 1
 * @param confidenceScore between 0 and 1
 * @param aiIntent the analyzer's intent label of the customer's last message ({@code question}, {@code complaint})
 * @param aiLanguage the language the analyzer read ({@code en}); set with no summary when it could not read it
 */
public record Conversation(
    UUID id,
    String conversationId,
    @Nullable Integer customerIdCrm,
    @Nullable Integer assignedStaffId,
    ConversationStatus status,
    Priority priority,
    List<String> tags,
    ConversationState state,
    @Nullable Instant conversationStart,
    @Nullable Instant conversationEnd,
    @Nullable Instant lastMessageAt,
    int messageCount,
    @Nullable String journeyStage,
    @Nullable String emotion,
    @Nullable String nextAction,
    @Nullable String summaryText,
    @Nullable String replyQuality,
    List<String> keyPoints,
    @Nullable BigDecimal sentimentScore,
    @Nullable String aiModel,
    @Nullable BigDecimal confidenceScore,
    @Nullable Instant summaryUpdatedAt,
    @Nullable String aiIntent,
    @Nullable String aiLanguage,
    int unreadCount,
    @Nullable Instant createdAt,
    @Nullable Instant updatedAt) {

  public Conversation {
    Require.nonNull(id, "id");
    Require.nonNull(conversationId, "conversation_id");
    Require.nonNull(status, "status");
    Require.nonNull(priority, "priority");
    tags = List.copyOf(Require.nonNull(tags, "tags"));
    Require.nonNull(state, "state");
    keyPoints = List.copyOf(Require.nonNull(keyPoints, "key_points"));
  }

  /** A builder for a new conversation: active, open, medium priority, no messages yet. */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link Conversation}. */
  public static final class Builder {
    private UUID id = Ids.newId();
    private String conversationId;
    private Integer customerIdCrm;
    private Integer assignedStaffId;
    private ConversationStatus status = ConversationStatus.ACTIVE;
    private Priority priority = Priority.MEDIUM;
    private List<String> tags = List.of();
    private ConversationState state = ConversationState.OPEN;
    private Instant conversationStart;
    private Instant conversationEnd;
    private Instant lastMessageAt;
    private int messageCount;
    private String journeyStage;
    private String emotion;
    private String nextAction;
    private String summaryText;
    private String replyQuality;
    private List<String> keyPoints = List.of();
    private BigDecimal sentimentScore;
    private String aiModel;
    private BigDecimal confidenceScore;
    private Instant summaryUpdatedAt;
    private String aiIntent;
    private String aiLanguage;
    private int unreadCount;
    private Instant createdAt;
    private Instant updatedAt;

    private Builder() {}

    private Builder(Conversation c) {
      id = c.id;
      conversationId = c.conversationId;
      customerIdCrm = c.customerIdCrm;
      assignedStaffId = c.assignedStaffId;
      status = c.status;
      priority = c.priority;
      tags = c.tags;
      state = c.state;
      conversationStart = c.conversationStart;
      conversationEnd = c.conversationEnd;
      lastMessageAt = c.lastMessageAt;
      messageCount = c.messageCount;
      journeyStage = c.journeyStage;
      emotion = c.emotion;
      nextAction = c.nextAction;
      summaryText = c.summaryText;
      replyQuality = c.replyQuality;
      keyPoints = c.keyPoints;
      sentimentScore = c.sentimentScore;
      aiModel = c.aiModel;
      confidenceScore = c.confidenceScore;
      summaryUpdatedAt = c.summaryUpdatedAt;
      aiIntent = c.aiIntent;
      aiLanguage = c.aiLanguage;
      unreadCount = c.unreadCount;
      createdAt = c.createdAt;
      updatedAt = c.updatedAt;
    }

    public Builder id(UUID value) { id = value; return this; }
    public Builder conversationId(String value) { conversationId = value; return this; }
    public Builder customerIdCrm(@Nullable Integer value) { customerIdCrm = value; return this; }
    public Builder assignedStaffId(@Nullable Integer value) { assignedStaffId = value; return this; }
    public Builder status(ConversationStatus value) { status = value; return this; }
    public Builder priority(Priority value) { priority = value; return this; }
    public Builder tags(List<String> value) { tags = value; return this; }
    public Builder state(ConversationState value) { state = value; return this; }
    public Builder conversationStart(@Nullable Instant value) { conversationStart = value; return this; }
    public Builder conversationEnd(@Nullable Instant value) { conversationEnd = value; return this; }
    public Builder lastMessageAt(@Nullable Instant value) { lastMessageAt = value; return this; }
    public Builder messageCount(int value) { messageCount = value; return this; }
    public Builder journeyStage(@Nullable String value) { journeyStage = value; return this; }
    public Builder emotion(@Nullable String value) { emotion = value; return this; }
    public Builder nextAction(@Nullable String value) { nextAction = value; return this; }
    public Builder summaryText(@Nullable String value) { summaryText = value; return this; }
    public Builder replyQuality(@Nullable String value) { replyQuality = value; return this; }
    public Builder keyPoints(List<String> value) { keyPoints = value; return this; }
    public Builder sentimentScore(@Nullable BigDecimal value) { sentimentScore = value; return this; }
    public Builder aiModel(@Nullable String value) { aiModel = value; return this; }
    public Builder confidenceScore(@Nullable BigDecimal value) { confidenceScore = value; return this; }
    public Builder summaryUpdatedAt(@Nullable Instant value) { summaryUpdatedAt = value; return this; }
    public Builder aiIntent(@Nullable String value) { aiIntent = value; return this; }
    public Builder aiLanguage(@Nullable String value) { aiLanguage = value; return this; }
    public Builder unreadCount(int value) { unreadCount = value; return this; }
    public Builder createdAt(@Nullable Instant value) { createdAt = value; return this; }
    public Builder updatedAt(@Nullable Instant value) { updatedAt = value; return this; }

    public Conversation build() {
      return new Conversation(id, conversationId, customerIdCrm, assignedStaffId, status, priority, tags, state,
          conversationStart, conversationEnd, lastMessageAt, messageCount, journeyStage, emotion, nextAction,
          summaryText, replyQuality, keyPoints, sentimentScore, aiModel, confidenceScore, summaryUpdatedAt,
          aiIntent, aiLanguage,
          unreadCount, createdAt, updatedAt);
    }
  }
}
