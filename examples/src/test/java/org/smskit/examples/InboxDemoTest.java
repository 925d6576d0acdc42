package org.smskit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smskit.core.model.Conversation;
import org.smskit.jooq.repository.ConversationRepository.InboxEntry;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/** The main example runs end to end on a real PostgreSQL and shows what it claims. */
class InboxDemoTest {

  @Test
  void demoRunsEndToEndAndPrintsTheInbox() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    InboxDemo.Summary summary;
    try (TestDatabase db = TestPostgres.newDatabase();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      summary = InboxDemo.run(db.dataSource(), out, Map.of());
      assertThat(db.strings("SELECT count(*) FROM smskit.sms_messages")).containsExactly("5");
      assertThat(db.strings("SELECT auth_token LIKE 'enc:v1:%' FROM smskit.sms_sender_accounts"))
          .containsExactly("t");
    }
    String text = printed.toString(StandardCharsets.UTF_8);

    assertThat(summary.stopHonoured()).isTrue();
    assertThat(summary.inbox()).hasSize(2);
    InboxEntry ada = summary.inbox().stream()
        .filter(e -> e.conversation().conversationId().endsWith("+14155550123")).findFirst().orElseThrow();
    Conversation adas = ada.conversation();
    assertThat(ada.customerName()).isEqualTo("Ada Lovelace");
    assertThat(adas.messageCount()).as("two sent, one reply stored once").isEqualTo(3);
    assertThat(adas.unreadCount()).isZero();
    assertThat(adas.summaryText()).as("analysed offline").contains("Customer: ");
    assertThat(adas.sentimentScore()).as("a thankful reply").isPositive();
    assertThat(summary.eventCount()).isGreaterThanOrEqualTo(6);
    assertThat(text)
        .contains("the retry with the same idempotency key returned the first message")
        .contains("Alan replied STOP")
        .contains("outbound delivered")
        .contains("outbound undelivered 30003")
        .contains("[1 attachment(s)]")
        .doesNotContain("webhook-signing-secret");
  }
}
