package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.Message;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

/**
 * Status reports: one that races the transaction recording the provider's answer is never lost; a report changes
 * only a message sent through the account whose credentials verified it; reports of two provider ids are never
 * merged into one message; a report about an inbound message changes nothing.
 */
class StatusReportIntegrityTest extends ServiceTestBase {

  private static StatusUpdateEvent report(String sid, MessageStatus status, UUID ourId) {
    return new StatusUpdateEvent("simulated", sid, ourId, status, status.dbValue(), null, T0.plusSeconds(5),
        "{\"status\":\"" + status.dbValue() + "\"}");
  }

  @Test
  void reportsRacingTheWriteOfTheProvidersAnswerAreNeverLost() throws Exception {
    // A callback set on the provider's side carries no message id of ours: the report can only be matched by
    // the provider's id, which our own transaction is writing at that very moment.
    World w = world();
    ExecutorService reporters = Executors.newFixedThreadPool(4);
    List<Future<WebhookOutcome>> reports = new ArrayList<>();
    providers.onSend((message, simulated) -> {
      SendResult result = simulated.send(message);
      synchronized (reports) {
        reports.add(reporters.submit(() -> {
          busyWait(ThreadLocalRandom.current().nextInt(3000)); // 0 to 3 ms: around the answer's commit
          return sms.recordEvent(w.account(), report(result.providerMessageId(), MessageStatus.DELIVERED, null));
        }));
      }
      return result;
    });
    ExecutorService senders = Executors.newFixedThreadPool(4);
    List<Future<UUID>> sends = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      String to = String.format("+1415555%04d", 1000 + i % 500);
      sends.add(senders.submit(() -> sms.send(SendRequest.to(to).fromNumber(w.primary().id()).body("race").build())
          .messageId()));
    }
    List<UUID> ids = new ArrayList<>();
    for (Future<UUID> send : sends) {
      ids.add(send.get(60, TimeUnit.SECONDS));
    }
    senders.shutdown();
    List<Result> results = new ArrayList<>();
    for (Future<WebhookOutcome> r : List.copyOf(reports)) {
      results.add(r.get(60, TimeUnit.SECONDS).result());
    }
    reporters.shutdown();

    assertThat(results).hasSize(ids.size());
    long delivered = ids.stream().filter(id -> stored(id).status() == MessageStatus.DELIVERED).count();
    assertThat(delivered).as("every report applied, now or when the answer was written").isEqualTo(ids.size());
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_message_status_events WHERE tenant_id = ?"
        + " AND message_id IS NULL", tenant.value())).as("no report left unmatched").containsExactly("0");
  }

  private static void busyWait(long micros) {
    long end = System.nanoTime() + micros * 1000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  @Test
  void reportVerifiedWithAnotherAccountsCredentialsChangesNothing() {
    World w = world();
    UUID other = sms.registerSenderAccount("Other", "simulated", "SIM-OTHER-" + tenant, "other-token").id();
    sms.addPhoneNumber(other, "+14155550177", "Other line", true);
    UUID id = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("mine").build()).messageId();
    String sid = lastSid();
    URI otherHook = sms.webhookUrl(other).orElseThrow();

    // A genuine report, signed with the other account's token, about this account's message.
    WebhookRequest forged = simulated(sms, other).statusCallback(otherHook, sid, MessageStatus.UNDELIVERED, "30003");
    WebhookOutcome outcome = sms.handleWebhook(other, forged);

    assertThat(outcome.result()).isEqualTo(Result.UNMATCHED);
    assertThat(stored(id).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(stored(id).providerErrorCode()).isNull();
    // The right account's report still applies, and the refused one is never attached to the message later.
    assertThat(callback(w, sid, MessageStatus.DELIVERED, null).result()).isEqualTo(Result.APPLIED);
    assertThat(sms.inTransaction((Repositories r) -> r.statusEvents().listUnmatched("simulated", sid, w.account())))
        .isEmpty();
    assertThat(stored(id).status()).isEqualTo(MessageStatus.DELIVERED);
  }

  @Test
  void ourReferenceIsNotEnoughToMergeAnotherProviderIdIntoAMessage() {
    World w = world();
    UUID id = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("one of ours").build()).messageId();
    String sid = lastSid();

    WebhookOutcome outcome = sms.recordEvent(w.account(), report("SManotherone", MessageStatus.FAILED, id));

    assertThat(outcome.result()).isEqualTo(Result.UNMATCHED);
    Message m = stored(id);
    assertThat(m.providerMessageSid()).isEqualTo(sid);
    assertThat(m.status()).isEqualTo(MessageStatus.SENDING);
  }

  @Test
  void reportAboutAnInboundMessageChangesNeitherItNorTheUnreadCount() {
    World w = world();
    WebhookOutcome in = receive(w, CUSTOMER, "hello?");
    Message inbound = stored(in.message().orElseThrow());
    Conversation before = sms.conversation(inbound.conversationId()).orElseThrow();
    assertThat(before.unreadCount()).isEqualTo(1);

    WebhookOutcome outcome = sms.recordEvent(w.account(),
        new StatusUpdateEvent("simulated", inbound.providerMessageSid(), null, MessageStatus.READ, "read", null,
            Instant.parse("2024-01-15T10:00:09Z"), "{}"));

    assertThat(outcome.result()).isEqualTo(Result.STALE);
    assertThat(stored(inbound.id()).readAt()).isNull();
    assertThat(stored(inbound.id()).status()).isEqualTo(MessageStatus.RECEIVED);
    assertThat(sms.conversation(inbound.conversationId()).orElseThrow().unreadCount()).isEqualTo(1);
    sms.markRead(inbound.id());
    assertThat(sms.conversation(inbound.conversationId()).orElseThrow().unreadCount()).isZero();
  }
}
