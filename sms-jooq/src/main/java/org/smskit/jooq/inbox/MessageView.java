package org.smskit.jooq.inbox;

import java.util.List;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Message;
import org.smskit.core.model.Reaction;

/** A message with its attachments and reactions. */
public record MessageView(Message message, List<Attachment> attachments, List<Reaction> reactions) {
  public MessageView {
    attachments = List.copyOf(attachments);
    reactions = List.copyOf(reactions);
  }
}
