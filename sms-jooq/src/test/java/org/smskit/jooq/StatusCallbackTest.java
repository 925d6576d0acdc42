package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smskit.core.status.MessageStatus.DELIVERED;
import static org.smskit.core.status.MessageStatus.FAILED;
import static org.smskit.core.status.MessageStatus.READ;
import static org.smskit.core.status.MessageStatus.SENT;
import static org.smskit.core.status.MessageStatus.UNDELIVERED;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

/** Status reports: monotonic in every order, all kept in the history, timestamps set once, unknown ones kept. */
class StatusCallbackTest extends ServiceTestBase {

  private UUID sendOne(World w) {
    return sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build()).messageId();
  }

  private StatusUpdateEvent report(String sid, MessageStatus status, String errorCode, Instant at) {
    return new StatusUpdateEvent("simulated", sid, null, status, status.dbValue(), errorCode, at,
        "{\"status\":\"" + status.dbValue() + "\"}");
  }

  static Stream<Arguments> orders() {
    return Stream.of(
        Arguments.of(List.of(SENT, DELIVERED), DELIVERED, List.of(Result.APPLIED, Result.APPLIED)),
        Arguments.of(List.of(DELIVERED, SENT), DELIVERED, List.of(Result.APPLIED, Result.STALE)),
        Arguments.of(List.of(FAILED, DELIVERED), FAILED, List.of(Result.APPLIED, Result.STALE)),
        Arguments.of(List.of(DELIVERED, UNDELIVERED), DELIVERED, List.of(Result.APPLIED, Result.STALE)),
        Arguments.of(List.of(UNDELIVERED, SENT, DELIVERED, READ), UNDELIVERED,
            List.of(Result.APPLIED, Result.STALE, Result.STALE, Result.STALE)),
        Arguments.of(List.of(SENT, DELIVERED, READ), READ, List.of(Result.APPLIED, Result.APPLIED, Result.APPLIED)),
        Arguments.of(List.of(READ, DELIVERED, SENT), READ, List.of(Result.APPLIED, Result.STALE, Result.STALE)),
        Arguments.of(List.of(SENT, SENT, SENT), SENT, List.of(Result.APPLIED, Result.STALE, Result.STALE)),
        Arguments.of(List.of(DELIVERED, DELIVERED), DELIVERED, List.of(Result.APPLIED, Result.STALE)));
  }

  @ParameterizedTest
  @MethodSource("orders")
  void signedCallbacksInAnyOrderOnlyMoveTheMessageForward(List<MessageStatus> reports, MessageStatus expected,
      List<Result> results) {
    World w = world();
    UUID id = sendOne(w);
    String sid = lastSid();
    int before = history(id).size();

    List<Result> seen = reports.stream().map(s -> callback(w, sid, s, null).result()).toList();

    assertThat(seen).isEqualTo(results);
    assertThat(stored(id).status()).isEqualTo(expected);
    List<MessageStatusEvent> history = history(id);
    assertThat(history).hasSize(before + reports.size());
    assertThat(history.subList(before, history.size())).extracting(MessageStatusEvent::status)
        .containsExactlyElementsOf(reports);
    assertThat(history.subList(before, history.size())).allSatisfy(e -> {
      assertThat(e.providerMessageSid()).isEqualTo(sid);
      assertThat(e.rawPayload()).contains("MessageId=" + sid);
    });
  }

  @Test
  void timestampsAreSetByTheFirstReportThatReachesThemAndNeverMove() {
    World w = world();
    UUID id = sendOne(w);
    String sid = lastSid();
    Instant delivered = T0.plusSeconds(30);

    sms.recordEvent(w.account(), report(sid, DELIVERED, null, delivered));
    sms.recordEvent(w.account(), report(sid, SENT, null, T0.plusSeconds(10)));
    sms.recordEvent(w.account(), report(sid, DELIVERED, null, T0.plusSeconds(90)));

    Message m = stored(id);
    assertThat(m.status()).isEqualTo(DELIVERED);
    assertThat(m.deliveredAt()).isEqualTo(delivered);
    assertThat(m.sentAt()).isEqualTo(delivered);
    assertThat(m.failedAt()).isNull();
    assertThat(history(id)).filteredOn(e -> e.providerStatus() != null && e.providerMessageSid() != null)
        .extracting(MessageStatusEvent::occurredAt)
        .contains(T0.plusSeconds(10), delivered, T0.plusSeconds(90));
  }

  @Test
  void sentThenDeliveredKeepsEachTime() {
    World w = world();
    UUID id = sendOne(w);
    String sid = lastSid();

    sms.recordEvent(w.account(), report(sid, SENT, null, T0.plusSeconds(1)));
    sms.recordEvent(w.account(), report(sid, DELIVERED, null, T0.plusSeconds(5)));
    sms.recordEvent(w.account(), report(sid, SENT, null, T0.plusSeconds(7)));

    Message m = stored(id);
    assertThat(m.sentAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(m.deliveredAt()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void failureReportKeepsTheProviderErrorCodeAndTellsTheHost() {
    World w = world();
    UUID id = sendOne(w);
    String sid = lastSid();

    WebhookOutcome outcome = callback(w, sid, UNDELIVERED, "30003");

    Message m = stored(id);
    assertThat(outcome.result()).isEqualTo(Result.APPLIED);
    assertThat(outcome.messageId()).isEqualTo(id);
    assertThat(m.status()).isEqualTo(UNDELIVERED);
    assertThat(m.providerErrorCode()).isEqualTo("30003");
    assertThat(m.failedAt()).isNotNull();
    MessageStatusEvent last = history(id).get(history(id).size() - 1);
    assertThat(last.providerErrorCode()).isEqualTo("30003");
    assertThat(last.rawPayload()).contains("ErrorCode=30003");
    assertThat(events(SmsEvent.SendFailed.class)).singleElement().satisfies(e -> {
      assertThat(e.errorCode()).isEqualTo("30003");
      assertThat(e.message().id()).isEqualTo(id);
    });
    assertThat(events(SmsEvent.MessageStatusChanged.class)).singleElement()
        .satisfies(e -> assertThat(e.previous()).isEqualTo(MessageStatus.SENDING));
  }

  @Test
  void staleReportsChangeNothingButAreKeptAndRaiseNoEvent() {
    World w = world();
    UUID id = sendOne(w);
    String sid = lastSid();
    callback(w, sid, DELIVERED, null);
    Message delivered = stored(id);
    events.clear();

    callback(w, sid, SENT, "999");

    Message after = stored(id);
    assertThat(after.status()).isEqualTo(DELIVERED);
    assertThat(after.deliveredAt()).isEqualTo(delivered.deliveredAt());
    assertThat(after.sentAt()).isEqualTo(delivered.sentAt());
    assertThat(events).isEmpty();
  }

  @Test
  void reportForAnUnknownMessageIsKeptForReconciliationAndIsNotAnError() {
    World w = world();

    WebhookOutcome outcome = sms.handleWebhook(w.account(),
        simulated(sms, w.account()).statusCallback(w.hook(), "SMnotours", DELIVERED, "0"));

    assertThat(outcome.result()).isEqualTo(Result.UNMATCHED);
    assertThat(outcome.message()).isEmpty();
    List<MessageStatusEvent> kept = sms.inTransaction(
        (Repositories r) -> r.statusEvents().listUnmatched("simulated", "SMnotours", w.account()));
    assertThat(kept).singleElement().satisfies(e -> {
      assertThat(e.messageId()).isNull();
      assertThat(e.status()).isEqualTo(DELIVERED);
      assertThat(e.providerErrorCode()).isEqualTo("0");
      assertThat(e.rawPayload()).contains("SMnotours");
    });
    assertThat(rows("sms_messages")).isZero();
    assertThat(events).isEmpty();
  }

  @Test
  void callbackThatOvertakesTheProvidersAnswerIsAppliedAfterwards() {
    World w = world();
    providers.onSend((message, simulated) -> {
      SendResult result = simulated.send(message);
      // The delivery report arrives (without our reference) before the answer to the send is written.
      WebhookOutcome early = CompletableFuture.supplyAsync(() -> sms.recordEvent(w.account(),
          report(result.providerMessageId(), DELIVERED, null, T0.plusSeconds(3)))).join();
      assertThat(early.result()).isEqualTo(Result.UNMATCHED);
      return result;
    });

    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    Message m = stored(receipt.messageId());
    assertThat(receipt.status()).isEqualTo(DELIVERED);
    assertThat(m.status()).isEqualTo(DELIVERED);
    assertThat(m.deliveredAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(m.providerMessageSid()).isEqualTo(lastSid());
    assertThat(sms.inTransaction((Repositories r) -> r.statusEvents().listUnmatched("simulated", lastSid(), w.account())))
        .isEmpty();
    assertThat(history(receipt.messageId())).extracting(MessageStatusEvent::status).contains(DELIVERED);
    assertThat(events(SmsEvent.MessageStatusChanged.class)).extracting(e -> e.message().status())
        .containsExactly(DELIVERED);
  }

  @Test
  void signedCallbackWithOurReferenceFindsTheMessageBeforeItHasTheProvidersId() {
    World w = world();
    providers.onSend((message, simulated) -> {
      SendResult result = simulated.send(message);
      WebhookOutcome early = CompletableFuture.supplyAsync(() -> callback(w, result.providerMessageId(), DELIVERED,
          null)).join();
      assertThat(early.result()).isEqualTo(Result.APPLIED);
      assertThat(early.messageId()).isEqualTo(message.messageId());
      return result;
    });

    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    Message m = stored(receipt.messageId());
    assertThat(m.status()).isEqualTo(DELIVERED);
    assertThat(m.providerMessageSid()).isEqualTo(lastSid());
    assertThat(m.deliveredAt()).isNotNull();
  }

  @Test
  void reportsAreFoundByProviderIdAcrossSenderNumbers() {
    World w = world();
    UUID a = sendOne(w);
    String sidA = lastSid();
    UUID b = sms.send(SendRequest.to("+14155550124").fromNumber(w.second().id()).body("Hi").build()).messageId();
    String sidB = lastSid();

    callback(w, sidB, FAILED, "30008");
    callback(w, sidA, DELIVERED, null);

    assertThat(stored(a).status()).isEqualTo(DELIVERED);
    assertThat(stored(b).status()).isEqualTo(FAILED);
    assertThat(stored(b).providerErrorCode()).isEqualTo("30008");
    assertThat(stored(a).providerErrorCode()).isNull();
  }
}
