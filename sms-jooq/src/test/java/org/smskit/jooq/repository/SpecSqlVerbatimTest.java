package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smskit.core.PageRequest;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.Message;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.testing.DatabaseTest;
import org.smskit.jooq.testing.Fixtures;

/**
 * The SQL examples of the spec ("Query Patterns"), copied verbatim, run on the migrated schema (smskit and the
 * stand-in ERP tables on the search path) and agree with the repositories.
 */
class SpecSqlVerbatimTest extends DatabaseTest {
  private static final Instant NOW = Instant.now();
  private static UUID service;

  @BeforeAll
  static void seed() {
    db.execute("INSERT INTO public.crm_customers VALUES (1, 'Ada'); INSERT INTO public.sys_users VALUES (5, 'Grace');"
        + "INSERT INTO public.mkt_campaigns VALUES (3, 'Spring')");
    run(r -> {
      UUID account = Fixtures.account(r).id();
      service = r.serviceAccounts().insert(ServiceAccount.create(account, "Spring", ServiceType.CAMPAIGN)
          .withLinks(3L, null)).id();
      r.conversations().insert(Conversation.builder().conversationId("spec-1").customerIdCrm(1).assignedStaffId(5)
          .messageCount(2).unreadCount(1).lastMessageAt(NOW).build());
      r.conversations().insert(Conversation.builder().conversationId("spec-2").lastMessageAt(NOW.minusSeconds(5))
          .build());
      Fixtures.contact(r, "Bob", "+14155550801");
      Fixtures.contact(r, "Eve", "+14155550802");
      Fixtures.inbound(r, "spec-1", "+14155550801", NOW.minusSeconds(30));
      r.messages().update(Fixtures.outbound(r, "spec-1", "+14155550801", MessageStatus.DELIVERED, NOW.minusSeconds(20))
          .toBuilder().serviceAccountId(service).build());
      Fixtures.outbound(r, "spec-2", "+14155550802", MessageStatus.FAILED, NOW.minusSeconds(10));
    });
  }

  private static List<String> ids(String sql, Object... parameters) {
    try (Connection c = db.dataSource().getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET search_path TO smskit, public");
      }
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < parameters.length; i++) {
          Object p = parameters[i] instanceof Instant instant ? Timestamp.from(instant) : parameters[i];
          s.setObject(i + 1, p);
        }
        List<String> out = new ArrayList<>();
        try (ResultSet rows = s.executeQuery()) {
          while (rows.next()) {
            out.add(rows.getString("id"));
          }
        }
        return out;
      } finally {
        try (Statement s = c.createStatement()) {
          s.execute("RESET search_path");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static List<String> strings(List<UUID> ids) {
    return ids.stream().map(UUID::toString).toList();
  }

  @Test
  void messagesForConversation() {
    List<String> spec = ids("""
        SELECT m.*
        FROM SMS_messages m
        WHERE m.conversation_id = ?
        ORDER BY m.created_at ASC;""", "spec-1");
    assertThat(spec).hasSize(2).isEqualTo(strings(tx((Repositories r) ->
        r.messages().conversationTimeline("spec-1", PageRequest.first(10))).items().stream().map(Message::id).toList()));
  }

  @Test
  void unreadMessages() {
    List<String> spec = ids("""
        SELECT m.*
        FROM SMS_messages m
        WHERE m.read_at IS NULL
          AND m.direction = 'inbound'
        ORDER BY m.created_at DESC;""");
    assertThat(spec).hasSize(1).isEqualTo(strings(tx((Repositories r) ->
        r.messages().unreadInbound(PageRequest.first(10))).items().stream().map(Message::id).toList()));
  }

  @Test
  void messagesByStatus() {
    List<String> spec = ids("""
        SELECT m.*
        FROM SMS_messages m
        WHERE m.status = ?
          AND m.created_at >= NOW() - INTERVAL '7 days'
        ORDER BY m.created_at DESC;""", "failed");
    assertThat(spec).hasSize(1).isEqualTo(strings(tx((Repositories r) ->
        r.messages().recentByStatus(MessageStatus.FAILED, PageRequest.first(10))).items().stream()
        .map(Message::id).toList()));
  }

  @Test
  void activeConversations() {
    List<String> spec = ids("""
        SELECT mc.*, c.name as customer_name
        FROM SMS_meta_conversation mc
        LEFT JOIN crm_customers c ON mc.customer_id_crm = c.id
        WHERE mc.status = 'active'
          AND mc.state = 'open'
        ORDER BY mc.last_message_at DESC;""");
    assertThat(spec).hasSize(2).isEqualTo(strings(tx((Repositories r) ->
        r.conversations().activeInbox(PageRequest.first(10))).items().stream()
        .map(e -> e.conversation().id()).toList()));
  }

  @Test
  void conversationsAssignedToStaff() {
    List<String> spec = ids("""
        SELECT mc.*
        FROM SMS_meta_conversation mc
        WHERE mc.assigned_staff_id = ?
          AND mc.unread_count > 0
        ORDER BY mc.last_message_at DESC;""", 5);
    assertThat(spec).hasSize(1).isEqualTo(strings(tx((Repositories r) ->
        r.conversations().assignedWithUnread(5, PageRequest.first(10))).items().stream()
        .map(Conversation::id).toList()));
  }

  @Test
  void conversationWithMessageCount() {
    List<String> spec = ids("""
        SELECT\s
          mc.*,
          COUNT(m.id) as actual_message_count
        FROM SMS_meta_conversation mc
        LEFT JOIN SMS_messages m ON mc.conversation_id = m.conversation_id
        WHERE mc.conversation_id = ?
        GROUP BY mc.id;""", "spec-1");
    assertThat(spec).containsExactly(tx((Repositories r) -> r.conversations().withActualMessageCount("spec-1"))
        .orElseThrow().conversation().id().toString());
  }

  @Test
  void findContactByPhone() {
    List<String> spec = ids("""
        SELECT c.*
        FROM SMS_contacts c
        WHERE c.phone = ?;""", "+14155550801");
    assertThat(spec).containsExactly(tx((Repositories r) -> r.contacts().findByPhone(PhoneNumber.of("+14155550801")))
        .orElseThrow().id().toString());
  }

  @Test
  void contactsWithRecentMessages() {
    List<String> spec = ids("""
        SELECT DISTINCT c.*
        FROM SMS_contacts c
        JOIN SMS_messages m ON c.phone = m.to_number OR c.phone = m.from_number
        WHERE m.created_at >= NOW() - INTERVAL '30 days'
        ORDER BY c.last_contacted_at DESC;""");
    assertThat(spec).hasSize(2).containsExactlyInAnyOrderElementsOf(strings(tx((Repositories r) ->
        r.contacts().withRecentMessages(10)).stream().map(Contact::id).toList()));
  }

  @Test
  void serviceAccountsForCampaign() {
    List<String> spec = ids("""
        SELECT sa.*
        FROM SMS_service_accounts sa
        WHERE sa.linked_campaign_id = ?
          AND sa.is_active = true;""", 3L);
    assertThat(spec).containsExactly(service.toString());
    assertThat(strings(tx((Repositories r) -> r.serviceAccounts().activeForCampaign(3)).stream()
        .map(ServiceAccount::id).toList())).isEqualTo(spec);
  }

  @Test
  void messagesByServiceAccount() {
    Instant since = NOW.minusSeconds(3600);
    List<String> spec = ids("""
        SELECT m.*
        FROM SMS_messages m
        WHERE m.service_account_id = ?
          AND m.created_at >= ?
        ORDER BY m.created_at DESC;""", service, since);
    assertThat(spec).hasSize(1).isEqualTo(strings(tx((Repositories r) ->
        r.messages().byServiceAccountSince(service, since, PageRequest.first(10))).items().stream()
        .map(Message::id).toList()));
  }
}
