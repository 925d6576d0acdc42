package org.smskit.core.analysis;

import java.util.List;
import org.smskit.core.Require;

/**
 * The recent messages of one conversation, oldest first and newest last, bounded by the caller (by count and by
 * characters). Messages without text (media only) are left out.
 *
 * @param conversationId the conversation's key ({@code sms_meta_conversation.conversation_id}), for logs only
 */
public record AnalysisRequest(String conversationId, List<AnalysisMessage> messages) {

  public AnalysisRequest {
    Require.nonNull(conversationId, "conversation_id");
    messages = List.copyOf(Require.nonNull(messages, "messages"));
  }
}
