package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smskit.core.ConflictException;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Reaction;
import org.smskit.core.model.ServiceAccount;
import org.smskit.jooq.sending.SendRequest;

/**
 * Updates never lose a concurrent change: whole values written back by the host are checked against what was read
 * (optimistic versions), single-field operations write their field only, merges lock both rows, and concurrent adds
 * of one reaction store it once.
 */
class ConcurrentUpdatesTest extends ServiceTestBase {

  @Test
  void aStaleContactIsRefusedInsteadOfOverwritingAConcurrentChange() {
    Contact read = sms.createContact("Ada", CUSTOMER);
    Contact alsoRead = sms.findContact(CUSTOMER).orElseThrow();
    sms.updateContact(read.withName("Ada Lovelace"));

    assertThatThrownBy(() -> sms.updateContact(alsoRead.withCrmId("42")))
        .isInstanceOf(ConflictException.class).hasMessageStartingWith("updated_at: ");

    Contact now = sms.findContact(CUSTOMER).orElseThrow();
    assertThat(now.name()).isEqualTo("Ada Lovelace");
    assertThat(now.crmId()).isNull();
    assertThat(sms.updateContact(now.withCrmId("42")).crmId()).as("a fresh copy is accepted").isEqualTo("42");
  }

  @Test
  void aStaleServiceIsRefusedAndSingleFieldOperationsKeepEachOthersChanges() {
    World w = world();
    UUID backup = sms.registerSenderAccount("Backup", "simulated", "SIM-B-" + tenant, "token-b").id();
    ServiceAccount read = sms.inTransaction((org.smskit.jooq.repository.Repositories r) ->
        r.serviceAccounts().get(w.service()));

    sms.setFallbackAccount(w.service(), backup);
    sms.deactivateService(w.service());
    assertThatThrownBy(() -> sms.updateService(read.withProviderServiceSid("MG" + "0".repeat(32))))
        .isInstanceOf(ConflictException.class);

    ServiceAccount now = sms.inTransaction((org.smskit.jooq.repository.Repositories r) ->
        r.serviceAccounts().get(w.service()));
    assertThat(now.fallbackSenderAccountId()).isEqualTo(backup);
    assertThat(now.active()).isFalse();
  }

  @Test
  void makingAnotherNumberPrimaryKeepsItsOtherFields() {
    World w = world();
    sms.deactivatePhoneNumber(w.second().id());

    sms.makePrimary(w.second().id());

    var numbers = sms.inTransaction((org.smskit.jooq.repository.Repositories r) ->
        r.phoneNumbers().listByAccount(w.account()));
    assertThat(numbers).filteredOn(n -> n.id().equals(w.second().id())).singleElement().satisfies(n -> {
      assertThat(n.primary()).isTrue();
      assertThat(n.active()).as("the deactivation is kept").isFalse();
    });
    assertThat(numbers).filteredOn(n -> n.id().equals(w.primary().id())).singleElement()
        .satisfies(n -> assertThat(n.primary()).isFalse());
  }

  @Test
  void mergeWaitsForAConcurrentChangeOfTheKeptContactAndKeepsIt() throws Exception {
    Contact keep = sms.createContact(null, CUSTOMER);
    Contact dup = sms.createContact("From the old CRM", "+14155550199");
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // Another transaction holds the kept contact while it sets its CRM id.
      Future<?> editor = pool.submit(() -> sms.inTransaction((org.smskit.jooq.repository.Repositories r) -> {
        r.contacts().lockRow(keep.id());
        locked.countDown();
        await(release);
        return r.contacts().update(r.contacts().get(keep.id()).withCrmId("7"));
      }));
      assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
      Future<Contact> merge = pool.submit(() -> sms.mergeContacts(keep.id(), dup.id()));
      release.countDown();
      editor.get(10, TimeUnit.SECONDS);
      Contact merged = merge.get(10, TimeUnit.SECONDS);

      assertThat(merged.crmId()).as("the concurrent change is not lost").isEqualTo("7");
      assertThat(merged.name()).isEqualTo("From the old CRM");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentAddsOfOneReactionStoreItOnceAndNoneFails() throws Exception {
    World w = world();
    UUID message = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build()).messageId();
    int threads = 16;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Reaction>> adds = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        adds.add(pool.submit(() -> {
          await(start);
          return sms.addReaction(message, "emoji", "👍", "user-1");
        }));
      }
      start.countDown();
      List<UUID> ids = new ArrayList<>();
      for (Future<Reaction> add : adds) {
        ids.add(add.get(30, TimeUnit.SECONDS).id());
      }
      assertThat(ids).as("every add answers the one stored reaction").containsOnly(ids.get(0));
      assertThat(sms.message(message).reactions()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out waiting for the other transaction");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
