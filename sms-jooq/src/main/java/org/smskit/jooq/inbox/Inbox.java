package org.smskit.jooq.inbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.core.model.ConversationStatus;
import org.smskit.core.model.Message;
import org.smskit.core.model.Priority;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.ConversationRepository.InboxEntry;
import org.smskit.jooq.repository.Repositories;

/**
 * Conversations and their messages: the inbox, timelines, unread counts, assignment, state.
 * Used through {@code SmsService}, which documents each operation; one instance acts for one tenant.
 */
public final class Inbox {
  private final SmsContext ctx;
  private final TenantId tenant;

  /** Internal to smskit: {@code SmsService} creates it. */
  public Inbox(SmsContext ctx, TenantId tenant) {
    this.ctx = ctx;
    this.tenant = tenant;
  }

  public Page<InboxEntry> inbox(PageRequest page) {
    return ctx.read(tenant, r -> r.conversations().activeInbox(page));
  }

  public Page<Conversation> assignedWithUnread(int staffId, PageRequest page) {
    return ctx.read(tenant, r -> r.conversations().assignedWithUnread(staffId, page));
  }

  public Optional<Conversation> conversation(String conversationId) {
    return ctx.read(tenant, r -> r.conversations().findByConversationId(conversationId));
  }

  public Page<MessageView> timeline(String conversationId, PageRequest page) {
    return ctx.read(tenant, r -> {
      Page<Message> messages = r.messages().conversationTimeline(conversationId, page);
      return new Page<>(views(r, messages.items()), messages.next());
    });
  }

  public Page<Message> unread(PageRequest page) {
    return ctx.read(tenant, r -> r.messages().unreadInbound(page));
  }

  public MessageView message(UUID messageId) {
    return ctx.read(tenant, r -> views(r, List.of(r.messages().get(messageId))).get(0));
  }

  private static List<MessageView> views(Repositories r, List<Message> messages) {
    if (messages.isEmpty()) {
      return List.of();
    }
    List<UUID> ids = messages.stream().map(Message::id).toList();
    var attachments = r.attachments().listByMessages(ids);
    var reactions = r.reactions().listByMessages(ids);
    List<MessageView> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      out.add(new MessageView(m, attachments.stream().filter(a -> a.messageId().equals(m.id())).toList(),
          reactions.stream().filter(x -> x.messageId().equals(m.id())).toList()));
    }
    return out;
  }

  public Message markRead(UUID messageId) {
    return ctx.write(tenant, tx -> {
      Message found = tx.r().messages().find(messageId)
          .orElseThrow(() -> new NotFoundException("message", messageId));
      if (found.direction() != org.smskit.core.model.Direction.INBOUND) {
        throw new InvalidInputException("message_id", "only inbound messages are marked read by the host");
      }
      // The conversation first, then the message: the order markConversationRead takes, so they never deadlock.
      tx.r().conversations().lock(found.conversationId());
      Message message = tx.r().messages().lock(messageId).orElseThrow();
      if (message.readAt() != null) {
        return message;
      }
      Message read = tx.r().messages().update(message.toBuilder().readAt(ctx.now())
          .status(org.smskit.core.status.MessageStatus.READ).build());
      tx.r().conversations().markRead(message.conversationId(), 1);
      return read;
    });
  }

  public Conversation markConversationRead(String conversationId) {
    return ctx.write(tenant, tx -> {
      lockConversation(tx, conversationId);
      int read = tx.r().messages().markConversationRead(conversationId, ctx.now());
      return tx.r().conversations().markRead(conversationId, read);
    });
  }

  public Conversation assignConversation(String conversationId, @Nullable Integer staffId) {
    return ctx.write(tenant, tx -> {
      Conversation current = lockConversation(tx, conversationId);
      Conversation assigned = tx.r().conversations().update(current.toBuilder().assignedStaffId(staffId).build());
      if (!java.util.Objects.equals(current.assignedStaffId(), staffId)) {
        tx.events().add(new SmsEvent.ConversationAssigned(tenant, assigned, current.assignedStaffId()));
      }
      return assigned;
    });
  }

  public Conversation closeConversation(String conversationId) {
    return ctx.write(tenant, tx -> {
      Conversation current = lockConversation(tx, conversationId);
      if (current.state() == ConversationState.CLOSED) {
        return current;
      }
      Conversation closed = tx.r().conversations().update(current.toBuilder().state(ConversationState.CLOSED)
          .conversationEnd(max(ctx.now(), current.conversationStart())).build());
      tx.events().add(new SmsEvent.ConversationClosed(tenant, closed));
      return closed;
    });
  }

  public Conversation reopenConversation(String conversationId) {
    return ctx.write(tenant, tx -> {
      Conversation current = lockConversation(tx, conversationId);
      if (current.state() != ConversationState.CLOSED) {
        return current;
      }
      Conversation reopened = tx.r().conversations().update(current.toBuilder().state(ConversationState.OPEN)
          .conversationEnd(null).build());
      tx.events().add(new SmsEvent.ConversationReopened(tenant, reopened));
      return reopened;
    });
  }

  public Conversation setConversationStatus(String conversationId, ConversationStatus status) {
    return updateConversation(conversationId, b -> b.status(Require.nonNull(status, "status")));
  }

  public Conversation setConversationPriority(String conversationId, Priority priority) {
    return updateConversation(conversationId, b -> b.priority(Require.nonNull(priority, "priority")));
  }

  public Conversation setConversationTags(String conversationId, List<String> tags) {
    return updateConversation(conversationId, b -> b.tags(Require.nonNull(tags, "tags")));
  }

  public Conversation setJourneyStage(String conversationId, @Nullable String journeyStage) {
    return updateConversation(conversationId, b -> b.journeyStage(journeyStage));
  }

  public Conversation linkCustomer(String conversationId, @Nullable Integer crmCustomerId) {
    return updateConversation(conversationId, b -> b.customerIdCrm(crmCustomerId));
  }

  public Conversation updateConversation(String conversationId, UnaryOperator<Conversation.Builder> change) {
    return ctx.write(tenant, tx -> {
      Conversation current = lockConversation(tx, conversationId);
      Conversation changed = change.apply(current.toBuilder()).build();
      Conversation kept = changed.toBuilder().id(current.id()).conversationId(current.conversationId())
          .messageCount(current.messageCount()).unreadCount(current.unreadCount()).state(current.state())
          .assignedStaffId(current.assignedStaffId()).lastMessageAt(current.lastMessageAt()).build();
      return tx.r().conversations().update(kept);
    });
  }

  private static Conversation lockConversation(Tx tx, String conversationId) {
    return tx.r().conversations().lock(conversationId)
        .orElseThrow(() -> new NotFoundException("conversation", conversationId));
  }

  private static Instant max(Instant a, @Nullable Instant b) {
    return b == null || a.isAfter(b) ? a : b;
  }
}
