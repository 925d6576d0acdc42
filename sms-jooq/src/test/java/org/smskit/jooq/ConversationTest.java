package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.core.model.ConversationStatus;
import org.smskit.core.model.Message;
import org.smskit.core.model.Priority;
import org.smskit.core.model.Reaction;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.repository.ConversationRepository.InboxEntry;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.inbox.MessageView;
import org.smskit.jooq.sending.SendRequest;

/** Conversation ids, exact rollups, read state and the host's conversation operations. */
class ConversationTest extends ServiceTestBase {
  private static final String KEY = "n:" + OUR_PRIMARY + ":" + CUSTOMER;

  @BeforeAll
  void erpRows() {
    db.execute("INSERT INTO public.sys_users (id, name) VALUES (7, 'Sam'), (8, 'Kim') ON CONFLICT DO NOTHING;"
        + "INSERT INTO public.crm_customers (id, name) VALUES (501, 'Ann Customer') ON CONFLICT DO NOTHING");
  }

  private UUID sendFrom(World w, String body) {
    return sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body(body).build()).messageId();
  }

  @Test
  void outboundAndInboundBetweenTheSameNumbersShareOneDeterministicConversation() {
    World w = world();
    UUID out = sendFrom(w, "Your order shipped");
    UUID in = receive(w, CUSTOMER, "Thanks").messageId();

    assertThat(stored(out).conversationId()).isEqualTo(KEY);
    assertThat(stored(in).conversationId()).isEqualTo(KEY);
    assertThat(rows("sms_meta_conversation")).isEqualTo(1);

    UUID fromSecond = sms.send(SendRequest.to(CUSTOMER).fromNumber(w.second().id()).body("Hi").build()).messageId();
    assertThat(stored(fromSecond).conversationId()).isEqualTo("n:" + OUR_SECOND + ":" + CUSTOMER);
    assertThat(rows("sms_meta_conversation")).isEqualTo(2);
  }

  @Test
  void perServiceConversationsSpanTheServicesNumbers() {
    SmsService perService = service(b -> b.conversationScope(ConversationScope.PER_SERVICE));
    World w = world(perService);
    String key = "s:" + w.service() + ":" + CUSTOMER;

    UUID out = perService.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build()).messageId();
    UUID in = perService.handleWebhook(w.account(), inbound(perService, w, CUSTOMER, OUR_SECOND, "Hello"))
        .messageId();

    assertThat(stored(out).conversationId()).isEqualTo(key);
    assertThat(stored(in).conversationId()).isEqualTo(key);
    assertThat(perService.conversation(key).orElseThrow().messageCount()).isEqualTo(2);
    // Without a service, a message falls back to the per-number key.
    UUID direct = perService.send(SendRequest.to(CUSTOMER).fromNumber(w.second().id()).body("Hi").build())
        .messageId();
    assertThat(stored(direct).conversationId()).isEqualTo("n:" + OUR_SECOND + ":" + CUSTOMER);
  }

  @Test
  void rollupIsExactAfterEveryMessage() {
    World w = world();
    sendFrom(w, "one");
    clock.advance(Duration.ofMinutes(1));
    receive(w, CUSTOMER, "two");
    clock.advance(Duration.ofMinutes(1));
    receive(w, CUSTOMER, "three");
    clock.advance(Duration.ofMinutes(1));
    sendFrom(w, "four");

    Conversation c = sms.conversation(KEY).orElseThrow();
    assertThat(c.messageCount()).isEqualTo(4);
    assertThat(c.unreadCount()).isEqualTo(2);
    assertThat(c.conversationStart()).isEqualTo(T0);
    assertThat(c.lastMessageAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    assertThat(sms.inTransaction((org.smskit.jooq.repository.Repositories r) ->
        r.conversations().withActualMessageCount(KEY).orElseThrow().actualMessageCount())).isEqualTo(4);
  }

  @Test
  void markingOneMessageReadSetsReadAtAndTakesItOffTheUnreadCount() {
    World w = world();
    UUID first = receive(w, CUSTOMER, "one").messageId();
    receive(w, CUSTOMER, "two");
    clock.advance(Duration.ofMinutes(2));

    Message read = sms.markRead(first);

    assertThat(read.readAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    assertThat(read.status()).isEqualTo(MessageStatus.READ);
    assertThat(stored(first).readAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    assertThat(sms.conversation(KEY).orElseThrow().unreadCount()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(2));
    sms.markRead(first);
    assertThat(stored(first).readAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    assertThat(sms.conversation(KEY).orElseThrow().unreadCount()).isEqualTo(1);
    assertThat(sms.unread(PageRequest.first(10)).items()).hasSize(1);
  }

  @Test
  void outboundMessagesAreNotMarkedReadByTheHost() {
    World w = world();
    UUID out = sendFrom(w, "Hi");

    assertThatThrownBy(() -> sms.markRead(out))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("message_id"));
    assertThat(stored(out).readAt()).isNull();
  }

  @Test
  void markingTheConversationReadReadsEveryInboundMessage() {
    World w = world();
    sendFrom(w, "Hi");
    UUID a = receive(w, CUSTOMER, "one").messageId();
    UUID b = receive(w, CUSTOMER, "two").messageId();
    sms.markRead(a);
    clock.advance(Duration.ofMinutes(5));

    Conversation c = sms.markConversationRead(KEY);

    assertThat(c.unreadCount()).isZero();
    assertThat(c.messageCount()).isEqualTo(3);
    assertThat(stored(a).readAt()).isEqualTo(T0);
    assertThat(stored(b).readAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(sms.unread(PageRequest.first(10)).items()).isEmpty();
    assertThat(sms.timeline(KEY, PageRequest.first(10)).items()).filteredOn(v -> v.message().direction()
        == org.smskit.core.model.Direction.OUTBOUND).singleElement()
        .satisfies(v -> assertThat(v.message().readAt()).isNull());
  }

  @Test
  void assigningAndUnassigningStaffIsAnnounced() {
    World w = world();
    receive(w, CUSTOMER, "Hi");
    events.clear();

    assertThat(sms.assignConversation(KEY, 7).assignedStaffId()).isEqualTo(7);
    sms.assignConversation(KEY, 8);
    sms.assignConversation(KEY, 8);
    Conversation unassigned = sms.assignConversation(KEY, null);

    assertThat(unassigned.assignedStaffId()).isNull();
    assertThat(events(SmsEvent.ConversationAssigned.class))
        .extracting(e -> e.conversation().assignedStaffId(), SmsEvent.ConversationAssigned::previousStaffId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(7, null), org.assertj.core.groups.Tuple.tuple(8, 7),
            org.assertj.core.groups.Tuple.tuple(null, 8));
  }

  @Test
  void assignedConversationsWithUnreadMessagesAreListedPerStaffMember() {
    World w = world();
    receive(w, CUSTOMER, "Hi");
    receive(w, "+14155550124", "Hi");
    sms.assignConversation(KEY, 7);
    sms.assignConversation("n:" + OUR_PRIMARY + ":+14155550124", 8);

    assertThat(sms.assignedWithUnread(7, PageRequest.first(10)).items()).extracting(Conversation::conversationId)
        .containsExactly(KEY);
    sms.markConversationRead(KEY);
    assertThat(sms.assignedWithUnread(7, PageRequest.first(10)).items()).isEmpty();
  }

  @Test
  void hostFieldsAreSetWithoutTouchingTheCounters() {
    World w = world();
    receive(w, CUSTOMER, "Hi");

    sms.setConversationStatus(KEY, ConversationStatus.INACTIVE);
    sms.setConversationPriority(KEY, Priority.URGENT);
    sms.setConversationTags(KEY, List.of("vip", "billing"));
    sms.setJourneyStage(KEY, "onboarding");
    sms.linkCustomer(KEY, 501);
    sms.updateConversation(KEY, b -> b.nextAction("call back").messageCount(99).unreadCount(0)
        .state(ConversationState.CLOSED));

    Conversation c = sms.conversation(KEY).orElseThrow();
    assertThat(c.status()).isEqualTo(ConversationStatus.INACTIVE);
    assertThat(c.priority()).isEqualTo(Priority.URGENT);
    assertThat(c.tags()).containsExactly("vip", "billing");
    assertThat(c.journeyStage()).isEqualTo("onboarding");
    assertThat(c.customerIdCrm()).isEqualTo(501);
    assertThat(c.nextAction()).isEqualTo("call back");
    assertThat(c.messageCount()).isEqualTo(1);
    assertThat(c.unreadCount()).isEqualTo(1);
    assertThat(c.state()).isEqualTo(ConversationState.OPEN);

    sms.linkCustomer(KEY, null);
    assertThat(sms.conversation(KEY).orElseThrow().customerIdCrm()).isNull();
  }

  @Test
  void closingAndReopeningAreAnnouncedOnce() {
    World w = world();
    receive(w, CUSTOMER, "Hi");
    events.clear();
    clock.advance(Duration.ofMinutes(10));

    Conversation closed = sms.closeConversation(KEY);
    sms.closeConversation(KEY);

    assertThat(closed.state()).isEqualTo(ConversationState.CLOSED);
    assertThat(closed.conversationEnd()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(sms.inbox(PageRequest.first(10)).items()).isEmpty();
    assertThat(events(SmsEvent.ConversationClosed.class)).hasSize(1);

    Conversation reopened = sms.reopenConversation(KEY);
    sms.reopenConversation(KEY);

    assertThat(reopened.state()).isEqualTo(ConversationState.OPEN);
    assertThat(reopened.conversationEnd()).isNull();
    assertThat(events(SmsEvent.ConversationReopened.class)).hasSize(1);
    assertThat(sms.inbox(PageRequest.first(10)).items()).hasSize(1);
  }

  @Test
  void inboxListsActiveOpenConversationsNewestFirstWithKeysetPaging() {
    World w = world();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      String from = "+1415555013" + i;
      receive(w, from, "Hi " + i);
      expected.add(0, "n:" + OUR_PRIMARY + ":" + from);
    }
    sms.linkCustomer(expected.get(0), 501);
    // Archived conversations leave the inbox.
    clock.advance(Duration.ofMinutes(1));
    receive(w, CUSTOMER, "archived");
    sms.setConversationStatus(KEY, ConversationStatus.ARCHIVED);

    List<InboxEntry> seen = new ArrayList<>();
    Page<InboxEntry> page = sms.inbox(PageRequest.first(2));
    seen.addAll(page.items());
    int pages = 1;
    while (page.hasNext()) {
      page = sms.inbox(PageRequest.after(page.next().get(), 2));
      seen.addAll(page.items());
      pages++;
    }

    assertThat(pages).isEqualTo(3);
    assertThat(seen).extracting(e -> e.conversation().conversationId()).containsExactlyElementsOf(expected);
    assertThat(seen.get(0).customerName()).isEqualTo("Ann Customer");
    assertThat(seen.get(1).customerName()).isNull();
  }

  @Test
  void timelineShowsMessagesOldestFirstWithAttachmentsAndReactions() {
    World w = world();
    UUID out = sendFrom(w, "Here is the photo you asked for");
    clock.advance(Duration.ofMinutes(1));
    UUID in = sms.handleWebhook(w.account(), inbound(w, CUSTOMER, OUR_PRIMARY, "And mine",
        new InboundMedia("https://media.example.com/ME9", "image/png", "ME9"))).messageId();
    clock.advance(Duration.ofMinutes(1));
    UUID last = receive(w, CUSTOMER, "Thanks!").messageId();
    sms.addReaction(out, "emoji", "👍", CUSTOMER);
    sms.addReaction(in, "like", "1", "staff:7");

    Page<MessageView> first = sms.timeline(KEY, PageRequest.first(2));
    Page<MessageView> rest = sms.timeline(KEY, PageRequest.after(first.next().orElseThrow(), 2));

    assertThat(first.items()).extracting(v -> v.message().id()).containsExactly(out, in);
    assertThat(rest.items()).extracting(v -> v.message().id()).containsExactly(last);
    assertThat(rest.hasNext()).isFalse();
    assertThat(first.items().get(0).reactions()).extracting(Reaction::reactionValue, Reaction::reactedBy)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("👍", CUSTOMER));
    assertThat(first.items().get(1).attachments()).extracting(Attachment::providerMediaSid).containsExactly("ME9");
    assertThat(first.items().get(1).reactions()).extracting(Reaction::reactionType).containsExactly("like");
    assertThat(rest.items().get(0).attachments()).isEmpty();
    assertThat(rest.items().get(0).reactions()).isEmpty();
  }
}
