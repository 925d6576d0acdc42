package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.smskit.core.TenantId;
import org.smskit.core.model.OptOutScope;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;

/** A caller's idempotency key names one message, however often and however concurrently it is sent. */
class IdempotencyTest extends ServiceTestBase {

  private SendRequest request(World w, String key, String body) {
    return SendRequest.to(CUSTOMER).fromService(w.service()).body(body).idempotencyKey(key).build();
  }

  @Test
  void sendingAgainWithTheSameKeyReturnsTheFirstMessage() {
    World w = world();
    SendReceipt first = sms.send(request(w, "order-1001-shipped", "Shipped"));
    List<Long> after = allRows();

    SendReceipt again = sms.send(request(w, "order-1001-shipped", "Shipped, really"));

    assertThat(first.duplicate()).isFalse();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.messageId()).isEqualTo(first.messageId());
    assertThat(again.status()).isEqualTo(first.status());
    assertThat(allRows()).isEqualTo(after);
    assertThat(providers.sendCalls).hasValue(1);
    assertThat(stored(first.messageId()).body()).isEqualTo("Shipped");
    assertThat(sms.conversation("n:" + OUR_PRIMARY + ":" + CUSTOMER).orElseThrow().messageCount()).isEqualTo(1);
  }

  @Test
  void queueWithATakenKeyReturnsTheMessageInItsCurrentState() {
    World w = world();
    SendReceipt first = sms.send(request(w, "k", "Hi"));

    SendReceipt queuedAgain = sms.queue(request(w, "k", "Hi"));

    assertThat(queuedAgain.duplicate()).isTrue();
    assertThat(queuedAgain.messageId()).isEqualTo(first.messageId());
    assertThat(queuedAgain.status()).isEqualTo(stored(first.messageId()).status());
  }

  @Test
  void differentKeysAreDifferentMessages() {
    World w = world();
    SendReceipt a = sms.send(request(w, "a", "Hi"));
    SendReceipt b = sms.send(request(w, "b", "Hi"));

    assertThat(a.messageId()).isNotEqualTo(b.messageId());
    assertThat(rows("sms_messages")).isEqualTo(2);
  }

  @Test
  void concurrentSendsWithOneKeyCreateExactlyOneMessage() throws Exception {
    World w = world();
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<SendReceipt> receipts = new ArrayList<>();
    try {
      List<Future<SendReceipt>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit((Callable<SendReceipt>) () -> {
          start.await();
          return sms.send(request(w, "payment-7781", "Payment received"));
        }));
      }
      start.countDown();
      for (Future<SendReceipt> f : futures) {
        receipts.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(receipts).extracting(SendReceipt::messageId).containsOnly(receipts.get(0).messageId());
    assertThat(receipts).filteredOn(r -> !r.duplicate()).hasSize(1);
    assertThat(rows("sms_messages")).isEqualTo(1);
    assertThat(rows("sms_message_keys")).isEqualTo(1);
    assertThat(providers.sendCalls).hasValue(1);
    assertThat(sms.conversation("n:" + OUR_PRIMARY + ":" + CUSTOMER).orElseThrow().messageCount()).isEqualTo(1);
  }

  @Test
  void keysBelongToTheirTenant() {
    World w = world();
    SmsService other = sms.forTenant(TenantId.of(tenant.value() + "-b"));
    World ow = world(other);

    SendReceipt mine = sms.send(request(w, "shared-key", "Hi"));
    SendReceipt theirs = other.send(SendRequest.to(CUSTOMER).fromService(ow.service()).body("Hi")
        .idempotencyKey("shared-key").build());

    assertThat(theirs.duplicate()).isFalse();
    assertThat(theirs.messageId()).isNotEqualTo(mine.messageId());
  }

  @Test
  void aRefusedSendDoesNotUseUpItsKey() {
    World w = world();
    sms.optOut(CUSTOMER, OptOutScope.ALL, null, null);
    assertThatThrownBy(() -> sms.send(request(w, "retry-me", "Hi"))).isInstanceOf(RecipientOptedOutException.class);
    assertThat(rows("sms_message_keys")).isZero();

    sms.optIn(CUSTOMER);
    SendReceipt receipt = sms.send(request(w, "retry-me", "Hi"));

    assertThat(receipt.duplicate()).isFalse();
    assertThat(providers.sendCalls).hasValue(1);
  }
}
