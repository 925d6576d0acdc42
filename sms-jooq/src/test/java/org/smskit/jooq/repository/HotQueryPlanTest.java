package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;

import org.jooq.Query;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smskit.core.PageRequest;
import org.smskit.jooq.testing.DatabaseTest;

/**
 * The hot queries (conversation timeline, unread, inbox) use their intended index on tables large enough that
 * the planner would otherwise scan: 20,000 conversations and 80,000 messages over two tenants. The indexes of
 * {@code sms_messages} are those of its partitions, named {@code <partition>_<purpose>}.
 */
class HotQueryPlanTest extends DatabaseTest {

  @BeforeAll
  static void fill() {
    db.execute("""
        INSERT INTO smskit.sms_meta_conversation (tenant_id, conversation_id, last_message_at, state, status)
        SELECT CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END, 'c' || g,
               now() - g * interval '1 minute',
               CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'open' END,
               CASE WHEN g % 7 = 0 THEN 'archived' ELSE 'active' END
        FROM generate_series(1, 20000) g;
        INSERT INTO smskit.sms_messages (tenant_id, direction, from_number, to_number, body, status, conversation_id,
                                         created_at, read_at)
        SELECT CASE WHEN (g % 20000 + 1) % 2 = 0 THEN 'acme' ELSE 'globex' END,
               CASE WHEN (g / 2) % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
               '+1415555' || lpad((g % 10000)::text, 4, '0'), '+14155550100', 'message ' || g,
               CASE WHEN (g / 2) % 2 = 0 THEN 'received' ELSE 'delivered' END,
               'c' || (g % 20000 + 1),
               now() - g * interval '1 second',
               CASE WHEN g % 10 < 2 THEN NULL ELSE now() END
        FROM generate_series(1, 80000) g;
        ANALYZE smskit.sms_meta_conversation;
        ANALYZE smskit.sms_messages;
        """);
  }

  private static String plan(Query query) {
    return tx((Repositories r) -> r.dsl().fetch("EXPLAIN " + query.getSQL(org.jooq.conf.ParamType.INLINED)))
        .map(row -> row.get(0, String.class)).stream().reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void conversationTimelineUsesTheConversationIndex() {
    String plan = plan(tx((Repositories r) -> r.messages().timelineQuery("c42", PageRequest.first(50))));
    assertThat(plan).containsPattern("Index Scan using sms_messages_p\\w+_conversation_id");
    // Empty partitions (the initial one, months ahead) cost nothing to scan; no partition with rows is scanned.
    java.util.regex.Matcher scans = java.util.regex.Pattern.compile("Seq Scan on (\\w+)").matcher(plan);
    while (scans.find()) {
      assertThat(db.strings("SELECT count(*)::text FROM smskit." + scans.group(1))).as(plan).containsExactly("0");
    }
  }

  @Test
  void unreadInboundUsesThePartialUnreadIndex() {
    String plan = plan(tx((Repositories r) -> r.messages().unreadQuery(PageRequest.first(50))));
    assertThat(plan).containsPattern("sms_messages_p\\w+_unread_inbound").doesNotContain("Seq Scan")
        .doesNotContain("Sort");
  }

  @Test
  void inboxUsesThePartialInboxIndex() {
    String plan = plan(tx((Repositories r) -> r.conversations().inboxQuery(PageRequest.first(50))));
    assertThat(plan).contains("idx_sms_meta_conversation_inbox")
        .doesNotContain("Seq Scan on sms_meta_conversation").doesNotContain("Sort");
  }

  @Test
  void laterPagesStillUseTheIndex() {
    String cursor = tx((Repositories r) -> r.messages().unreadInbound(PageRequest.first(50))).next().orElseThrow();
    String plan = plan(tx((Repositories r) -> r.messages().unreadQuery(PageRequest.after(cursor, 50))));
    assertThat(plan).containsPattern("sms_messages_p\\w+_unread_inbound").doesNotContain("Sort");
    // The cursor bounds created_at, so the partitions of months after it are pruned from the plan.
    String nextMonth = java.time.YearMonth.now(java.time.ZoneOffset.UTC).plusMonths(1)
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy_MM"));
    assertThat(plan).contains("sms_messages_p").doesNotContain("sms_messages_p" + nextMonth);
    assertThat(plan(tx((Repositories r) -> r.messages().unreadQuery(PageRequest.first(50)))))
        .contains("sms_messages_p" + nextMonth); // without a cursor there is nothing to prune by
  }
}
