package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.core.model.ConversationStatus;
import org.smskit.core.model.Message;
import org.smskit.core.model.ServiceType;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.repository.ConversationRepository.CountedConversation;
import org.smskit.jooq.repository.ConversationRepository.InboxEntry;
import org.smskit.jooq.testing.DatabaseTest;
import org.smskit.jooq.testing.Fixtures;

/**
 * Every query of the spec's "Query Patterns", on data built to catch mistakes: wrong direction, wrong order,
 * other conversations, other tenants, and timestamps on both sides of each boundary.
 */
class QueryPatternsTest extends DatabaseTest {
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  @Test
  void conversationTimelineIsOldestFirstOnlyThisConversationAndPagesWithoutGapsOrRepeats() {
    tx((Repositories r) -> Fixtures.conversation(r, "tl-a"));
    tx((Repositories r) -> Fixtures.conversation(r, "tl-b"));
    sms.inTransaction(OTHER_TENANT, r -> Fixtures.conversation(r, "tl-a"));
    List<UUID> expected = new ArrayList<>();
    // Inserted out of order, two with the same instant (the id breaks the tie).
    Message third = tx((Repositories r) -> Fixtures.inbound(r, "tl-a", "+14155550601", T0.plusSeconds(20)));
    Message first = tx((Repositories r) -> Fixtures.outbound(r, "tl-a", "+14155550601", MessageStatus.SENT, T0));
    Message tieA = tx((Repositories r) -> Fixtures.inbound(r, "tl-a", "+14155550601", T0.plusSeconds(10)));
    Message tieB = tx((Repositories r) -> Fixtures.inbound(r, "tl-a", "+14155550601", T0.plusSeconds(10)));
    tx((Repositories r) -> Fixtures.inbound(r, "tl-b", "+14155550601", T0.plusSeconds(5)));
    sms.inTransaction(OTHER_TENANT, r -> Fixtures.inbound(r, "tl-a", "+14155550601", T0.plusSeconds(5)));
    expected.add(first.id());
    expected.addAll(tieA.id().compareTo(tieB.id()) < 0 ? List.of(tieA.id(), tieB.id()) : List.of(tieB.id(), tieA.id()));
    expected.add(third.id());

    List<UUID> seen = new ArrayList<>();
    Page<Message> page = tx((Repositories r) -> r.messages().conversationTimeline("tl-a", PageRequest.first(3)));
    page.items().forEach(m -> seen.add(m.id()));
    assertThat(page.hasNext()).isTrue();
    Page<Message> last = tx((Repositories r) ->
        r.messages().conversationTimeline("tl-a", PageRequest.after(page.next().orElseThrow(), 3)));
    last.items().forEach(m -> seen.add(m.id()));

    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(last.hasNext()).isFalse();
  }

  @Test
  void unreadMessagesAreInboundUnreadNewestFirst() {
    tx((Repositories r) -> Fixtures.conversation(r, "ur"));
    Message older = tx((Repositories r) -> Fixtures.inbound(r, "ur", "+14155550602", T0.minusSeconds(60)));
    Message newer = tx((Repositories r) -> Fixtures.inbound(r, "ur", "+14155550602", T0));
    Message read = tx((Repositories r) -> Fixtures.inbound(r, "ur", "+14155550602", T0.plusSeconds(1)));
    tx((Repositories r) -> r.messages().update(read.toBuilder().status(MessageStatus.READ).readAt(T0).build()));
    tx((Repositories r) -> Fixtures.outbound(r, "ur", "+14155550602", MessageStatus.DELIVERED, T0.plusSeconds(2)));

    Page<Message> unread = tx((Repositories r) -> r.messages().unreadInbound(PageRequest.first(50)));
    assertThat(unread.items()).extracting(Message::id).containsSubsequence(newer.id(), older.id())
        .doesNotContain(read.id());
    assertThat(unread.items()).allSatisfy(m -> assertThat(m.readAt()).isNull())
        .allSatisfy(m -> assertThat(m.direction().dbValue()).isEqualTo("inbound"));
  }

  @Test
  void recentByStatusCoversSevenDaysAndOnlyThatStatus() {
    tx((Repositories r) -> Fixtures.conversation(r, "st"));
    Instant now = now();
    Message inside = tx((Repositories r) -> Fixtures.outbound(r, "st", "+14155550603", MessageStatus.FAILED,
        now.minus(7, ChronoUnit.DAYS).plus(5, ChronoUnit.MINUTES)));
    Message newest = tx((Repositories r) -> Fixtures.outbound(r, "st", "+14155550603", MessageStatus.FAILED, now));
    Message outside = tx((Repositories r) -> Fixtures.outbound(r, "st", "+14155550603", MessageStatus.FAILED,
        now.minus(7, ChronoUnit.DAYS).minus(5, ChronoUnit.MINUTES)));
    Message otherStatus = tx((Repositories r) -> Fixtures.outbound(r, "st", "+14155550603", MessageStatus.SENT, now));

    List<UUID> found = tx((Repositories r) -> r.messages().recentByStatus(MessageStatus.FAILED, PageRequest.first(50)))
        .items().stream().map(Message::id).toList();
    assertThat(found).containsExactly(newest.id(), inside.id()).doesNotContain(outside.id(), otherStatus.id());
  }

  @Test
  void byStatusSinceIncludesTheBoundaryInstantAndExcludesTheMicrosecondBefore() {
    tx((Repositories r) -> Fixtures.conversation(r, "st2"));
    Instant since = T0.minus(30, ChronoUnit.DAYS);
    Message atBoundary = tx((Repositories r) -> Fixtures.outbound(r, "st2", "+14155550604", MessageStatus.QUEUED,
        since));
    Message justBefore = tx((Repositories r) -> Fixtures.outbound(r, "st2", "+14155550604", MessageStatus.QUEUED,
        since.minus(1, ChronoUnit.MICROS)));

    List<UUID> found = tx((Repositories r) -> r.messages().byStatusSince(MessageStatus.QUEUED, since,
        PageRequest.first(50))).items().stream().map(Message::id).toList();
    assertThat(found).contains(atBoundary.id()).doesNotContain(justBefore.id());
  }

  @Test
  void messagesByServiceAccountSinceAreThatServiceOnlyNewestFirst() {
    UUID account = tx((Repositories r) -> Fixtures.account(r).id());
    UUID support = tx((Repositories r) -> Fixtures.service(r, account, ServiceType.SUPPORT).id());
    UUID marketing = tx((Repositories r) -> Fixtures.service(r, account, ServiceType.MARKETING).id());
    tx((Repositories r) -> Fixtures.conversation(r, "svc"));
    Instant since = T0.minusSeconds(3600);
    List<UUID> expected = new ArrayList<>();
    for (int i = 3; i >= 1; i--) {
      Instant at = since.plusSeconds(i);
      expected.add(tx((Repositories r) -> r.messages().update(Fixtures.outbound(r, "svc", "+14155550605",
          MessageStatus.SENT, at).toBuilder().serviceAccountId(support).build())).id());
    }
    tx((Repositories r) -> r.messages().update(Fixtures.outbound(r, "svc", "+14155550605", MessageStatus.SENT, T0)
        .toBuilder().serviceAccountId(marketing).build()));
    tx((Repositories r) -> r.messages().update(Fixtures.outbound(r, "svc", "+14155550605", MessageStatus.SENT,
        since.minusSeconds(1)).toBuilder().serviceAccountId(support).build()));

    List<UUID> found = tx((Repositories r) -> r.messages().byServiceAccountSince(support, since,
        PageRequest.first(50))).items().stream().map(Message::id).toList();
    assertThat(found).containsExactlyElementsOf(expected);
  }

  @Test
  void activeInboxIsActiveOpenNewestFirstWithCustomerNames() {
    db.execute("INSERT INTO public.crm_customers VALUES (501, 'Ada Lovelace'), (502, 'Alan Turing')");
    Conversation adas = tx((Repositories r) -> r.conversations().insert(Conversation.builder()
        .conversationId("in-1").customerIdCrm(501).lastMessageAt(T0.plusSeconds(2)).build()));
    Conversation nobodys = tx((Repositories r) -> r.conversations().insert(Conversation.builder()
        .conversationId("in-2").lastMessageAt(T0.plusSeconds(3)).build()));
    Conversation alans = tx((Repositories r) -> r.conversations().insert(Conversation.builder()
        .conversationId("in-3").customerIdCrm(502).lastMessageAt(T0.plusSeconds(1)).build()));
    tx((Repositories r) -> r.conversations().insert(Conversation.builder().conversationId("in-closed")
        .state(ConversationState.CLOSED).lastMessageAt(T0.plusSeconds(9)).build()));
    tx((Repositories r) -> r.conversations().insert(Conversation.builder().conversationId("in-archived")
        .status(ConversationStatus.ARCHIVED).lastMessageAt(T0.plusSeconds(9)).build()));

    // Walk every page, two at a time: other tests' conversations are in the inbox too.
    List<InboxEntry> all = new ArrayList<>();
    PageRequest request = PageRequest.first(2);
    while (true) {
      PageRequest current = request;
      Page<InboxEntry> page = tx((Repositories r) -> r.conversations().activeInbox(current));
      assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
      all.addAll(page.items());
      if (!page.hasNext()) {
        break;
      }
      request = PageRequest.after(page.next().get(), 2);
    }
    assertThat(all).extracting(e -> e.conversation().id()).doesNotHaveDuplicates();

    assertThat(all).extracting(e -> e.conversation().id())
        .containsSubsequence(nobodys.id(), adas.id(), alans.id());
    assertThat(all).extracting(e -> e.conversation().conversationId()).doesNotContain("in-closed", "in-archived");
    assertThat(all).filteredOn(e -> e.conversation().id().equals(adas.id())).extracting(InboxEntry::customerName)
        .containsExactly("Ada Lovelace");
    assertThat(all).filteredOn(e -> e.conversation().id().equals(nobodys.id())).extracting(InboxEntry::customerName)
        .containsOnlyNulls();
  }

  @Test
  void assignedWithUnreadIsThatStaffMembersUnreadConversations() {
    db.execute("INSERT INTO public.sys_users VALUES (71, 'Grace'), (72, 'Linus')");
    Conversation unread = tx((Repositories r) -> r.conversations().insert(Conversation.builder()
        .conversationId("as-1").assignedStaffId(71).messageCount(3).unreadCount(2).build()));
    tx((Repositories r) -> r.conversations().insert(Conversation.builder()
        .conversationId("as-2").assignedStaffId(71).messageCount(3).unreadCount(0).build()));
    tx((Repositories r) -> r.conversations().insert(Conversation.builder()
        .conversationId("as-3").assignedStaffId(72).messageCount(1).unreadCount(1).build()));

    assertThat(tx((Repositories r) -> r.conversations().assignedWithUnread(71, PageRequest.first(10))).items())
        .extracting(Conversation::id).containsExactly(unread.id());
  }

  @Test
  void conversationWithMessageCountCountsRealMessagesNotTheRollup() {
    tx((Repositories r) -> r.conversations().insert(Conversation.builder().conversationId("cnt")
        .messageCount(99).build()));
    tx((Repositories r) -> r.conversations().insert(Conversation.builder().conversationId("cnt-empty").build()));
    tx((Repositories r) -> Fixtures.inbound(r, "cnt", "+14155550606", T0));
    tx((Repositories r) -> Fixtures.inbound(r, "cnt", "+14155550606", T0.plusSeconds(1)));
    sms.inTransaction(OTHER_TENANT, r -> Fixtures.conversation(r, "cnt"));
    sms.inTransaction(OTHER_TENANT, r -> Fixtures.inbound(r, "cnt", "+14155550606", T0));

    CountedConversation counted = tx((Repositories r) -> r.conversations().withActualMessageCount("cnt"))
        .orElseThrow();
    assertThat(counted.actualMessageCount()).isEqualTo(2);
    assertThat(counted.conversation().messageCount()).isEqualTo(99);
    assertThat(tx((Repositories r) -> r.conversations().withActualMessageCount("cnt-empty")).orElseThrow()
        .actualMessageCount()).isZero();
    assertThat(tx((Repositories r) -> r.conversations().withActualMessageCount("no-such"))).isEmpty();
  }

  @Test
  void contactsWithRecentMessagesMatchSenderOrRecipientWithinThirtyDaysOnceEach() {
    Instant now = now();
    tx((Repositories r) -> Fixtures.conversation(r, "cr"));
    Contact wrote = tx((Repositories r) -> r.contacts().update(
        Fixtures.contact(r, "Wrote", "+14155550701").withLastContactedAt(now.minusSeconds(60))));
    Contact received = tx((Repositories r) -> r.contacts().update(
        Fixtures.contact(r, "Received", "+14155550702").withLastContactedAt(now)));
    Contact stale = tx((Repositories r) -> Fixtures.contact(r, "Stale", "+14155550703"));
    Contact never = tx((Repositories r) -> Fixtures.contact(r, "Never", "+14155550704"));
    tx((Repositories r) -> Fixtures.inbound(r, "cr", "+14155550701", now.minus(29, ChronoUnit.DAYS)));
    tx((Repositories r) -> Fixtures.inbound(r, "cr", "+14155550701", now.minus(1, ChronoUnit.DAYS)));
    tx((Repositories r) -> Fixtures.outbound(r, "cr", "+14155550702", MessageStatus.SENT, now));
    tx((Repositories r) -> Fixtures.outbound(r, "cr", "+14155550703", MessageStatus.SENT,
        now.minus(31, ChronoUnit.DAYS)));

    List<Contact> recent = tx((Repositories r) -> r.contacts().withRecentMessages(100));
    assertThat(recent).extracting(Contact::id).containsExactly(received.id(), wrote.id())
        .doesNotContain(stale.id(), never.id());
  }

  @Test
  void aForeignCursorIsRefused() {
    assertThatThrownBy(() -> tx((Repositories r) ->
        r.messages().conversationTimeline("tl-a", PageRequest.after("not-a-cursor", 10))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("cursor:");
  }
}
