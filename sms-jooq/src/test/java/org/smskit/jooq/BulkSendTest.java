package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.ServiceType;
import org.smskit.jooq.sending.BulkResult.Outcome;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.sending.BulkMessage;
import org.smskit.jooq.sending.BulkResult;
import org.smskit.jooq.sending.BulkSendRequest;
import org.smskit.jooq.sending.BulkSummary;
import org.smskit.jooq.sending.SendRequest;

/** Bulk send for campaigns: one call, batched writes, one result per recipient with its reason. */
class BulkSendTest extends ServiceTestBase {

  private UUID campaign(World w) {
    return sms.createService(w.account(), "Spring sale", ServiceType.CAMPAIGN, null, null, null).id();
  }

  @Test
  void eachRecipientGetsItsOutcomeInOrder() {
    World w = world();
    UUID spring = campaign(w);
    sms.optOut("+14155550133", OptOutScope.ALL, null, null);

    List<BulkResult> results = sms.bulkSend(BulkSendRequest.of(spring, "20% off this weekend",
        List.of("(415) 555-0131", "not a number", "+1 415 555 0131", "+14155550133", "415.555.0132"), "spring-24"));

    assertThat(results).extracting(BulkResult::outcome).containsExactly(Outcome.QUEUED, Outcome.INVALID_NUMBER,
        Outcome.DUPLICATE, Outcome.OPTED_OUT, Outcome.QUEUED);
    assertThat(results.get(0).number()).isEqualTo("+14155550131");
    assertThat(results.get(1).reason()).isNotBlank();
    assertThat(results.get(2).reason()).contains("more than once");
    assertThat(results.get(3).reason()).contains("opted out");
    assertThat(rows("sms_messages")).isEqualTo(2);
    assertThat(rows("sms_outbox")).isEqualTo(2);
    assertThat(network().sent()).as("bulk only queues; the dispatcher sends").isEmpty();
  }

  @Test
  void theCampaignKeyPreventsSendingTwiceAcrossCalls() {
    World w = world();
    UUID spring = campaign(w);
    sms.bulkSend(BulkSendRequest.of(spring, "first wave", List.of("+14155550141", "+14155550142"), "spring-24"));

    List<BulkResult> second = sms.bulkSend(BulkSendRequest.of(spring, "second wave",
        List.of("+14155550142", "+14155550143"), "spring-24"));
    List<BulkResult> otherCampaign = sms.bulkSend(BulkSendRequest.of(spring, "autumn",
        List.of("+14155550142"), "autumn-24"));

    assertThat(second).extracting(BulkResult::outcome).containsExactly(Outcome.DUPLICATE, Outcome.QUEUED);
    assertThat(second.get(0).reason()).contains("spring-24");
    assertThat(otherCampaign).extracting(BulkResult::outcome).containsExactly(Outcome.QUEUED);
    assertThat(rows("sms_messages")).isEqualTo(4);
  }

  @Test
  void queuedMessagesAreCompleteRowsWithContactsConversationsAndBulkPriority() {
    World w = world();
    UUID spring = campaign(w);
    sms.send(SendRequest.to("+14155550151").fromService(w.service()).body("earlier reply").build());

    List<BulkResult> results = sms.bulkSend(BulkSendRequest.of(spring, "Hello €", List.of("+14155550151",
        "+14155550152"), null));

    UUID id = results.get(0).messageId();
    var message = stored(id);
    assertThat(message.status().dbValue()).isEqualTo("queued");
    assertThat(message.serviceAccountId()).isEqualTo(spring);
    assertThat(message.segmentCount()).isEqualTo(1);
    assertThat(message.encoding().dbValue()).isEqualTo("gsm7");
    assertThat(history(id)).hasSize(1);
    // The existing conversation counts one more message; the new recipient got a contact and a conversation.
    assertThat(sms.conversation(message.conversationId()).orElseThrow().messageCount()).isEqualTo(2);
    assertThat(sms.findContact("+14155550152")).isPresent();
    Integer bulkPriority = sms.inTransaction((Repositories r) -> r.dsl().fetchSingle(
        "SELECT min(priority) FROM smskit.sms_outbox WHERE tenant_id = ?", tenant.value()).get(0, Integer.class));
    assertThat(bulkPriority).isEqualTo(2);
  }

  @Test
  void thousandsOfRecipientsInOneCall() {
    World w = world();
    UUID spring = campaign(w);
    List<String> recipients = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      recipients.add(String.format("+1415%07d", 5_000_000 + i));
    }
    recipients.add(recipients.get(10));

    List<BulkResult> results = sms.bulkSend(BulkSendRequest.of(spring, "big campaign", recipients, "big"));

    assertThat(results).hasSize(5001);
    assertThat(results.stream().filter(r -> r.outcome() == Outcome.QUEUED).count()).isEqualTo(5000);
    assertThat(results.get(5000).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(rows("sms_messages")).isEqualTo(5000);
    assertThat(rows("sms_outbox")).isEqualTo(5000);
    assertThat(rows("sms_contacts")).isEqualTo(5000);
    assertThat(rows("sms_meta_conversation")).isEqualTo(5000);
  }

  @Test
  void aDispatcherSendsWhatBulkQueued() {
    World w = world();
    UUID spring = campaign(w);
    sms.bulkSend(BulkSendRequest.of(spring, "go", List.of("+14155550161", "+14155550162", "+14155550163"), null));

    Dispatcher dispatcher = sms.dispatcher(DispatcherConfig.builder().longCodeRate(0).batchSize(100).build());
    while (dispatcher.runOnce() > 0) {
      // the dispatcher serves every tenant of the database; drain it
    }

    assertThat(network().sent()).filteredOn(s -> s.accountSid().equals("SIM-" + tenant)).hasSize(3);
    assertThat(rows("sms_outbox")).isZero();
  }

  @Test
  void badRequestsAreRefusedWholeAndWriteNothing() {
    World w = world();
    UUID spring = campaign(w);
    sms.deactivateService(spring);
    assertThatThrownBy(() -> sms.bulkSend(BulkSendRequest.of(spring, "x", List.of("+14155550171"), null)))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("service_account_id:");
    assertThatThrownBy(() -> sms.bulkSend(BulkSendRequest.of(w.service(), "", List.of("+14155550171"), null)))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("body:");
    assertThatThrownBy(() -> BulkSendRequest.of(w.service(), "x", List.of(), null))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("recipients:");
    assertThat(rows("sms_messages")).isZero();
  }

  /** Recipients made as they are read: +1415 600 0000 upwards, every 1000th unreadable. */
  private static Iterable<String> generated(int count) {
    return () -> new java.util.Iterator<String>() {
      int next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public String next() {
        int i = next++;
        return i % 1000 == 999 ? "not a number " + i : String.format("+1415%07d", 6_000_000 + i);
      }
    };
  }

  @Test
  void aStreamedSendQueuesMoreThanOneListHoldsAndHandsOnOnlyTheRecipientsNotQueued() {
    World w = world();
    UUID spring = campaign(w);
    sms.optOut("+14156000005", OptOutScope.ALL, null, null);
    sms.optOut("+14156007001", OptOutScope.SERVICE, spring, null);
    int count = BulkSendRequest.MAX_RECIPIENTS + 2_000; // three chunks
    // A duplicate of a number first listed in an earlier chunk is caught too.
    Iterable<String> recipients = () -> java.util.stream.Stream.concat(
        java.util.stream.StreamSupport.stream(generated(count).spliterator(), false),
        java.util.stream.Stream.of("+14156000010", "(415) 600-0011")).iterator();
    List<BulkResult> notQueued = new ArrayList<>();

    BulkSummary summary = sms.bulkSend(BulkMessage.of(spring, "streamed", "stream-1"), recipients, notQueued::add);

    long invalid = count / 1000;
    assertThat(summary.invalidNumbers()).isEqualTo(invalid);
    assertThat(summary.optedOut()).isEqualTo(2);
    assertThat(summary.duplicates()).isEqualTo(2);
    assertThat(summary.queued()).isEqualTo(count - invalid - 2);
    assertThat(summary.recipients()).isEqualTo(count + 2);
    assertThat(notQueued).hasSize((int) (invalid + 4));
    assertThat(notQueued).filteredOn(r -> r.outcome() == Outcome.OPTED_OUT).extracting(BulkResult::number)
        .containsExactlyInAnyOrder("+14156000005", "+14156007001");
    assertThat(notQueued).filteredOn(r -> r.outcome() == Outcome.DUPLICATE).extracting(BulkResult::input)
        .containsExactly("+14156000010", "(415) 600-0011");
    assertThat(notQueued).filteredOn(r -> r.outcome() == Outcome.INVALID_NUMBER).extracting(BulkResult::input)
        .first().isEqualTo("not a number 999");
    assertThat(rows("sms_messages")).isEqualTo(summary.queued());
    assertThat(rows("sms_outbox")).isEqualTo(summary.queued());
    assertThat(rows("sms_message_status_events")).isEqualTo(summary.queued());
    assertThat(rows("sms_contacts")).isEqualTo(summary.queued());

    // The campaign key makes a repeat harmless: everyone queued before is a duplicate now.
    BulkSummary again = sms.bulkSend(BulkMessage.of(spring, "streamed", "stream-1"), generated(2_000), r -> {});
    assertThat(again.queued()).isZero();
    assertThat(again.duplicates()).isEqualTo(2_000 - 2 - 1); // less the unreadable one and the opted-out one
  }

  @Test
  void aStreamedSendThatFailsPartWayLeavesNothingQueued() {
    World w = world();
    UUID spring = campaign(w);
    Iterable<String> failing = () -> new java.util.Iterator<String>() {
      final java.util.Iterator<String> numbers = generated(20_000).iterator();
      int read;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public String next() {
        if (++read > 12_000) { // after two chunks were written
          throw new IllegalStateException("the host's recipient query failed");
        }
        return numbers.next();
      }
    };

    assertThatThrownBy(() -> sms.bulkSend(BulkMessage.of(spring, "half", null), failing, r -> {}))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("recipient query failed");
    assertThat(rows("sms_messages")).isZero();
    assertThat(rows("sms_outbox")).isZero();
    assertThat(rows("sms_contacts")).isZero();
  }

  @Test
  void aStickyContactKeepsItsNumberInABulkSend() {
    World w = world();
    UUID spring = campaign(w);
    sms.send(SendRequest.to("+14155550181").fromNumber(w.second().id()).body("from the second number").build());

    List<BulkResult> results = sms.bulkSend(BulkSendRequest.of(spring, "sale", List.of("+14155550181",
        "+14155550182"), null));

    assertThat(stored(results.get(0).messageId()).from().value()).isEqualTo(OUR_SECOND);
    assertThat(stored(results.get(1).messageId()).from().value()).isEqualTo(OUR_PRIMARY);
    assertThat(sms.findContact("+14155550182").orElseThrow().assignedPhoneNumberId()).isEqualTo(w.primary().id());
  }
}
