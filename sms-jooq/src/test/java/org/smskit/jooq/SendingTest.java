package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.MessageType;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.OptOutSource;
import org.smskit.core.phone.InvalidPhoneNumberException;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.Encoding;
import org.smskit.core.text.SmsText;
import org.smskit.jooq.dispatch.DispatchCodes;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.inbox.MessageView;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.sending.MediaItem;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;

/** Storing a send durably and leaving it in a correct state whatever the provider answers. */
class SendingTest extends ServiceTestBase {

  @ParameterizedTest
  @ValueSource(strings = {"(415) 555-0123", "415.555.0123", "+1 415-555-0123", "1 (415) 555 0123", "  4155550123 ",
      "+1 (415) 555-0123"})
  void recipientTypedAnyWayIsSentToItsE164Form(String typed) {
    World w = world();
    SendReceipt receipt = sms.send(SendRequest.to(typed).fromService(w.service()).body("Hi").build());

    assertThat(stored(receipt.messageId()).to().value()).isEqualTo(CUSTOMER);
    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().to().value()).isEqualTo(CUSTOMER));
  }

  @Test
  void nationalNumberOfAnotherRegionIsReadInTheRequestsRegion() {
    World w = world();
    SendReceipt receipt = sms.send(SendRequest.to("020 7946 0018").region("GB").fromService(w.service()).body("Hi")
        .build());

    assertThat(stored(receipt.messageId()).to().value()).isEqualTo("+442079460018");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "hello", "555-0100", "+1 415 555", "+999 1234 5678", "12345678901234567890"})
  void recipientThatIsNotANumberIsRefusedWithNothingWrittenOrSent(String typed) {
    World w = world();
    List<Long> before = allRows();

    assertThatThrownBy(() -> sms.send(SendRequest.to(typed).fromService(w.service()).body("Hi").build()))
        .isInstanceOfSatisfying(InvalidPhoneNumberException.class, e -> assertThat(e.field()).isEqualTo("to_number"));
    assertThat(allRows()).isEqualTo(before);
    assertThat(providers.sendCalls).hasValue(0);
  }

  @Test
  void queueStoresTheMessageAsQueuedWithSegmentsAndEncodingWithoutCallingTheProvider() {
    World w = world();
    String body = "Grüße 😀 " + "x".repeat(70);
    SendReceipt receipt = sms.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body(body).build());

    Message queued = stored(receipt.messageId());
    assertThat(receipt.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(receipt.duplicate()).isFalse();
    assertThat(queued.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(queued.encoding()).isEqualTo(Encoding.UCS2);
    assertThat(queued.segmentCount()).isEqualTo(SmsText.analyze(body).segments()).isEqualTo(2);
    assertThat(queued.messageType()).isEqualTo(MessageType.SMS);
    assertThat(queued.providerMessageSid()).isNull();
    assertThat(queued.createdAt()).isEqualTo(T0);
    assertThat(history(receipt.messageId())).extracting(MessageStatusEvent::status)
        .containsExactly(MessageStatus.QUEUED);
    assertThat(providers.sendCalls).hasValue(0);

    SendReceipt dispatched = sms.dispatch(receipt.messageId());

    assertThat(dispatched.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(stored(receipt.messageId()).providerMessageSid()).isEqualTo(lastSid());
    assertThat(network().sent()).singleElement().satisfies(s -> {
      assertThat(s.message().messageId()).isEqualTo(receipt.messageId());
      assertThat(s.message().body()).isEqualTo(body);
      assertThat(s.message().from().value()).isEqualTo(OUR_PRIMARY);
    });
  }

  @Test
  void messageIsDurablyStoredBeforeTheProviderIsCalled() {
    World w = world();
    List<String> seenDuringSend = new ArrayList<>();
    providers.onSend((message, simulated) -> {
      // A separate connection sees only what was committed before the provider call.
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement s = c.prepareStatement("SELECT m.status, m.segment_count, m.encoding, "
              + "(SELECT string_agg(e.status, ',' ORDER BY e.recorded_at, e.id) FROM smskit.sms_message_status_events e"
              + "  WHERE e.tenant_id = m.tenant_id AND e.message_id = m.id) "
              + "FROM smskit.sms_messages m WHERE m.tenant_id = ? AND m.id = ?")) {
        s.setString(1, tenant.value());
        s.setObject(2, message.messageId());
        try (ResultSet rows = s.executeQuery()) {
          while (rows.next()) {
            seenDuringSend.add(rows.getString(1) + "/" + rows.getInt(2) + "/" + rows.getString(3) + "/"
                + rows.getString(4));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return simulated.send(message);
    });

    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    assertThat(seenDuringSend).containsExactly("sending/1/gsm7/queued,sending");
    assertThat(receipt.status()).isEqualTo(MessageStatus.SENDING);
  }

  @Test
  void acceptedSendLeavesTheMessageSendingWithTheProvidersId() {
    World w = world();
    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    Message sent = stored(receipt.messageId());
    assertThat(receipt.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(receipt.errorCode()).isNull();
    assertThat(sent.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(sent.provider()).isEqualTo("simulated");
    assertThat(sent.providerMessageSid()).isEqualTo(lastSid());
    assertThat(sent.providerPayload()).contains(lastSid());
    assertThat(sent.sentAt()).isNull();
    assertThat(sent.failedAt()).isNull();
    assertThat(network().sent().get(0).message().statusCallbackUrl())
        .isEqualTo(URI.create(HOOK_BASE + "/" + tenant.value() + "/" + w.account()));
  }

  @ParameterizedTest
  @EnumSource(value = ProviderException.Kind.class, names = {"RETRYABLE", "RATE_LIMITED"})
  void retryableFailureRequeuesTheMessageWithTheErrorCode(ProviderException.Kind kind) {
    World w = world();
    network().failNextSend(kind, "30001");

    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    Message requeued = stored(receipt.messageId());
    assertThat(receipt.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(receipt.errorCode()).isEqualTo("30001");
    assertThat(requeued.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(requeued.providerErrorCode()).isEqualTo("30001");
    assertThat(requeued.failedAt()).isNull();
    assertThat(requeued.providerMessageSid()).isNull();
    assertThat(history(receipt.messageId())).extracting(MessageStatusEvent::status)
        .containsExactly(MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.QUEUED);
    assertThat(events(SmsEvent.SendFailed.class)).isEmpty();

    if (kind == ProviderException.Kind.RATE_LIMITED) {
      // Nothing goes to the account until its Retry-After (1 s) is over, not even a send now.
      assertThat(sms.dispatch(receipt.messageId()).status()).isEqualTo(MessageStatus.QUEUED);
      assertThat(network().sent()).isEmpty();
      clock.advance(java.time.Duration.ofSeconds(1));
    }
    SendReceipt retried = sms.dispatch(receipt.messageId());

    assertThat(retried.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(stored(receipt.messageId()).providerErrorCode()).isNull();
    assertThat(stored(receipt.messageId()).providerMessageSid()).isEqualTo(lastSid());
    assertThat(network().sent()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(value = ProviderException.Kind.class, names = {"PERMANENT", "BAD_CREDENTIALS", "UNSUPPORTED"})
  void permanentFailureFailsTheMessageOnceAndForAll(ProviderException.Kind kind) {
    World w = world();
    network().failNextSend(kind, "21211");

    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    Message failed = stored(receipt.messageId());
    assertThat(receipt.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(failed.failedAt()).isEqualTo(T0);
    assertThat(failed.providerErrorCode()).isEqualTo("21211");
    assertThat(events(SmsEvent.SendFailed.class)).singleElement()
        .satisfies(e -> assertThat(e.errorCode()).isEqualTo("21211"));

    assertThat(sms.dispatch(receipt.messageId()).status()).isEqualTo(MessageStatus.FAILED);
    assertThat(providers.sendCalls).hasValue(1);
  }

  @Test
  void recipientOptedOutAnswerFailsTheMessageAndRecordsTheOptOut() {
    World w = world();
    network().failNextSend(ProviderException.Kind.RECIPIENT_OPTED_OUT, "21610");

    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.FAILED);
    assertThat(stored(receipt.messageId()).failedAt()).isEqualTo(T0);
    List<OptOut> optOuts = sms.activeOptOuts(CUSTOMER);
    assertThat(optOuts).singleElement().satisfies(o -> {
      assertThat(o.source()).isEqualTo(OptOutSource.PROVIDER);
      assertThat(o.provider()).isEqualTo("simulated");
      assertThat(o.scope()).isEqualTo(OptOutScope.SERVICE);
      assertThat(o.serviceAccountId()).isEqualTo(w.service());
    });
    assertThat(events(SmsEvent.RecipientOptedOut.class)).hasSize(1);

    assertThatThrownBy(() -> sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Again").build()))
        .isInstanceOf(RecipientOptedOutException.class);
    assertThat(providers.sendCalls).hasValue(1);
  }

  @Test
  void recipientOptedOutAnswerWithoutAServiceOptsOutOfAllSenders() {
    World w = world();
    network().failNextSend(ProviderException.Kind.RECIPIENT_OPTED_OUT, "21610");

    sms.send(SendRequest.to(CUSTOMER).fromNumber(w.second().id()).body("Hello").build());

    assertThat(sms.activeOptOuts(CUSTOMER)).singleElement()
        .satisfies(o -> assertThat(o.scope()).isEqualTo(OptOutScope.ALL));
  }

  @Test
  void unknownOutcomeKeepsTheMessageSendingAndNeverSendsItAgain() {
    World w = world();
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, null);

    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    Message held = stored(receipt.messageId());
    assertThat(receipt.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(held.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(held.failedAt()).isNull();
    assertThat(held.providerErrorCode()).isEqualTo("outcome_unknown");
    assertThat(events(SmsEvent.SendFailed.class)).isEmpty();

    sms.dispatch(receipt.messageId());
    assertThat(providers.sendCalls).hasValue(1);
  }

  @Test
  void providerThatThrowsSomethingUnexpectedIsABugThatFailsTheMessageNotAnUnknownOutcome() {
    World w = world();
    providers.onSend((message, simulated) -> {
      throw new IllegalStateException("provider bug");
    });

    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.FAILED);
    assertThat(stored(receipt.messageId()).providerErrorCode()).isEqualTo(DispatchCodes.PROVIDER_ERROR);
    assertThat(sms.dispatchStats().held()).isZero();
  }

  @Test
  void aMessageThatIsNotQueuedIsNeverDispatchedAgain() {
    World w = world();
    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build());

    SendReceipt again = sms.dispatch(receipt.messageId());
    sms.dispatch(receipt.messageId());

    assertThat(again.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(network().sent()).hasSize(1);
    assertThat(providers.sendCalls).hasValue(1);
  }

  @Test
  void concurrentDispatchesOfOneQueuedMessageCallTheProviderOnce() throws Exception {
    World w = world();
    UUID id = sms.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hello").build()).messageId();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<SendReceipt>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        results.add(pool.submit((Callable<SendReceipt>) () -> sms.dispatch(id)));
      }
      for (Future<SendReceipt> result : results) {
        assertThat(result.get().messageId()).isEqualTo(id);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(providers.sendCalls).hasValue(1);
    assertThat(network().sent()).hasSize(1);
  }

  @Test
  void mmsStoresItsAttachmentsAndSendsTheMediaUrls() {
    World w = world();
    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Your invoice")
        .media(new MediaItem(URI.create("https://cdn.example.com/invoice.pdf"), "application/pdf", "invoice.pdf", 5120))
        .media(MediaItem.of("https://cdn.example.com/photo.jpg", "image/jpeg"))
        .build());

    MessageView view = sms.message(receipt.messageId());
    assertThat(view.message().messageType()).isEqualTo(MessageType.MMS);
    assertThat(view.message().mediaCount()).isEqualTo(2);
    assertThat(view.attachments()).extracting(Attachment::fileUrl, Attachment::fileName, Attachment::fileType,
            Attachment::fileSize, Attachment::mimeType)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("https://cdn.example.com/invoice.pdf", "invoice.pdf", "document", 5120,
                "application/pdf"),
            org.assertj.core.groups.Tuple.tuple("https://cdn.example.com/photo.jpg", null, "image", null,
                "image/jpeg"));
    SimulatedNetwork.Sent sent = network().sent().get(0);
    assertThat(sent.message().mediaUrls()).containsExactlyInAnyOrder(
        URI.create("https://cdn.example.com/invoice.pdf"), URI.create("https://cdn.example.com/photo.jpg"));
  }

  @Test
  void mediaOnlyMessageNeedsNoBody() {
    World w = world();
    SendReceipt receipt = sms.queue(SendRequest.to(CUSTOMER).fromService(w.service())
        .media(MediaItem.of("https://cdn.example.com/photo.jpg", "image/jpeg")).build());

    Message mms = stored(receipt.messageId());
    assertThat(mms.body()).isNull();
    assertThat(mms.segmentCount()).isNull();
    assertThat(mms.encoding()).isNull();
    assertThat(sms.dispatch(receipt.messageId()).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(network().sent()).singleElement().satisfies(s -> assertThat(s.message().body()).isNull());
  }

  @Test
  void moreMediaThanTheProviderTakesIsRefusedBeforeAnythingIsWritten() {
    World w = world();
    SendRequest.Builder request = SendRequest.to(CUSTOMER).fromService(w.service()).body("Album");
    for (int i = 0; i < 11; i++) {
      request.media(MediaItem.of("https://cdn.example.com/" + i + ".jpg", "image/jpeg"));
    }
    List<Long> before = allRows();

    assertThatThrownBy(() -> sms.send(request.build()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("media"));
    assertThat(allRows()).isEqualTo(before);
    assertThat(providers.sendCalls).hasValue(0);
  }

  @Test
  void userAndMetadataAreStoredWithTheMessage() {
    World w = world();
    SendReceipt receipt = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Order shipped")
        .userId("u-42").metadataJson("{\"order\": 1001}").build());

    Message message = stored(receipt.messageId());
    assertThat(message.userId()).isEqualTo("u-42");
    assertThat(message.metadataJson()).isEqualTo("{\"order\": 1001}");
  }
}
