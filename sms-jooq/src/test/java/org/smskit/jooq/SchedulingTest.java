package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.model.Contact;
import org.smskit.core.model.ServiceType;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.sending.QuietHours;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;

/** Scheduled sends and quiet hours: messages wait, then go; they are never dropped. */
class SchedulingTest extends DispatchTestBase {
  private static final String LONDON = "+44 20 7946 0018"; // one time zone: Europe/London (UTC in January)
  private static final QuietHours NIGHT = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0));
  private static final Instant LATE_EVENING = Instant.parse("2024-01-15T22:30:00Z");
  private static final Instant NEXT_MORNING = Instant.parse("2024-01-16T08:00:00Z");

  @Test
  void scheduledSendWaitsForItsTimeThenGoes() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().build());
    Instant at = T0.plus(Duration.ofHours(3));
    SendReceipt receipt = sms.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("later").sendAt(at).build());

    assertThat(receipt.status()).isEqualTo(MessageStatus.SCHEDULED);
    assertThat(dueAt(receipt.messageId())).isEqualTo(at);
    assertThat(dispatcher.runOnce()).isZero();
    assertThat(sms.dispatch(receipt.messageId()).status()).as("send-now keeps the schedule")
        .isEqualTo(MessageStatus.SCHEDULED);
    clock.set(at.minusMillis(1));
    assertThat(dispatcher.runOnce()).isZero();
    assertThat(providers.sendCalls).hasValue(0);

    clock.set(at);
    assertThat(dispatcher.runOnce()).isEqualTo(1);

    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().messageId()).isEqualTo(receipt.messageId()));
  }

  @Test
  void sendAtInThePastIsQueuedForNow() {
    World w = world();
    SendReceipt receipt = sms.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("overdue")
        .sendAt(T0.minusSeconds(60)).build());

    assertThat(receipt.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(dispatcher(config().build()).runOnce()).isEqualTo(1);
  }

  @Test
  void marketingDuringQuietHoursInTheContactsZoneWaitsUntilTheWindowEnds() {
    SmsService quiet = service(b -> b.quietHours(NIGHT));
    World w = world(quiet);
    UUID marketing = quiet.createService(w.account(), "News", ServiceType.MARKETING, null, null, null).id();
    Dispatcher dispatcher = dispatcher(quiet, config().build());
    clock.set(LATE_EVENING);

    SendReceipt receipt = quiet.queue(SendRequest.to(LONDON).fromService(marketing).body("Sale!").build());

    assertThat(receipt.status()).isEqualTo(MessageStatus.SCHEDULED);
    assertThat(dueAt(receipt.messageId())).isEqualTo(NEXT_MORNING);
    clock.set(NEXT_MORNING.minusSeconds(1));
    assertThat(dispatcher.runOnce()).isZero();
    clock.set(NEXT_MORNING);
    assertThat(dispatcher.runOnce()).isEqualTo(1);
    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().to().value()).isEqualTo("+442079460018"));
  }

  @Test
  void campaignTrafficAlsoWaitsForQuietHoursToEnd() {
    SmsService quiet = service(b -> b.quietHours(NIGHT));
    World w = world(quiet);
    UUID campaign = quiet.createService(w.account(), "Spring", ServiceType.CAMPAIGN, null, null, null).id();
    clock.set(LATE_EVENING);

    SendReceipt receipt = quiet.send(SendRequest.to(LONDON).fromService(campaign).body("Spring!").build());

    assertThat(receipt.status()).as("send() too only stores it").isEqualTo(MessageStatus.SCHEDULED);
    assertThat(dueAt(receipt.messageId())).isEqualTo(NEXT_MORNING);
    assertThat(providers.sendCalls).hasValue(0);
  }

  @Test
  void quietHoursAreTheRecipientsNotTheServers() {
    SmsService quiet = service(b -> b.quietHours(NIGHT));
    World w = world(quiet);
    UUID marketing = quiet.createService(w.account(), "News", ServiceType.MARKETING, null, null, null).id();
    clock.set(LATE_EVENING); // 14:30 in San Francisco

    SendReceipt receipt = quiet.queue(SendRequest.to(CUSTOMER).fromService(marketing).body("Sale!").build());

    assertThat(receipt.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(dispatcher(quiet, config().build()).runOnce()).isEqualTo(1);
  }

  @Test
  void contactsOwnTimeZoneWinsOverTheNumbersZone() {
    SmsService quiet = service(b -> b.quietHours(NIGHT));
    World w = world(quiet);
    UUID marketing = quiet.createService(w.account(), "News", ServiceType.MARKETING, null, null, null).id();
    Contact traveller = quiet.createContact("Traveller", CUSTOMER);
    quiet.updateContact(traveller.withRegion(traveller.countryCode(), traveller.areaCode(), "Asia/Tokyo"));
    clock.set(Instant.parse("2024-01-15T13:00:00Z")); // 22:00 in Tokyo, 05:00 in San Francisco

    SendReceipt receipt = quiet.queue(SendRequest.to(CUSTOMER).fromService(marketing).body("Sale!").build());

    assertThat(dueAt(receipt.messageId())).isEqualTo(Instant.parse("2024-01-15T23:00:00Z")); // 08:00 in Tokyo
  }

  @Test
  void transactionalMessagesIgnoreQuietHours() {
    SmsService quiet = service(b -> b.quietHours(NIGHT));
    World w = world(quiet);
    UUID receipts = quiet.createService(w.account(), "Receipts", ServiceType.TRANSACTIONAL, null, null, null).id();
    clock.set(LATE_EVENING);

    SendReceipt receipt = quiet.send(SendRequest.to(LONDON).fromService(receipts).body("Your code is 1234").build());

    assertThat(receipt.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(network().sent()).hasSize(1);
  }

  @Test
  void scheduledSendInsideQuietHoursWaitsForTheWindowToEnd() {
    SmsService quiet = service(b -> b.quietHours(NIGHT));
    World w = world(quiet);
    UUID marketing = quiet.createService(w.account(), "News", ServiceType.MARKETING, null, null, null).id();

    SendReceipt receipt = quiet.queue(SendRequest.to(LONDON).fromService(marketing).body("Sale!")
        .sendAt(LATE_EVENING).build());

    assertThat(dueAt(receipt.messageId())).isEqualTo(NEXT_MORNING);
  }

  @Test
  void aMarketingMessageCarriedIntoQuietHoursByARetryWaitsAgainAtNoCostOfAnAttempt() {
    SmsService quiet = service(b -> b.quietHours(NIGHT));
    World w = world(quiet);
    UUID marketing = quiet.createService(w.account(), "News", ServiceType.MARKETING, null, null, null).id();
    Dispatcher dispatcher = dispatcher(quiet, config().build());
    clock.set(LATE_EVENING.minus(java.time.Duration.ofHours(3))); // before the window opens in London

    SendReceipt receipt = quiet.queue(SendRequest.to(LONDON).fromService(marketing).body("Sale!").build());
    assertThat(receipt.status()).isEqualTo(MessageStatus.QUEUED);
    // The dispatcher only gets to it once the window has opened (a backlog, a retry, a rate limit).
    clock.set(LATE_EVENING);
    assertThat(dispatcher.runOnce()).as("claimed, then given back unsent").isEqualTo(1);

    assertThat(network().sent()).isEmpty();
    assertThat(dueAt(receipt.messageId())).isEqualTo(NEXT_MORNING);
    assertThat(quiet.inTransaction((org.smskit.jooq.repository.Repositories r) ->
        r.outbox().lock(receipt.messageId()).orElseThrow().attempts())).isZero();
    clock.set(NEXT_MORNING);
    assertThat(dispatcher.runOnce()).isEqualTo(1);
    assertThat(network().sent()).hasSize(1);
  }
}
