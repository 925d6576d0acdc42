package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

/** Parallel writers of one conversation, one contact and one message never lose an update or fail. */
class ConcurrencyTest extends ServiceTestBase {
  private static final String KEY = "n:" + OUR_PRIMARY + ":" + CUSTOMER;
  private static final int THREADS = 8;

  /** Runs every task at once on its own thread and returns their results. */
  private static <T> List<T> together(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          start.await();
          return task.call();
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void parallelInboundMessagesFromANewNumberNeverLoseACount() throws Exception {
    World w = world();
    int perThread = 25;
    List<Callable<List<Result>>> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      List<WebhookRequest> requests = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        requests.add(inbound(w, CUSTOMER, OUR_PRIMARY, "message " + t + "-" + i));
      }
      tasks.add(() -> requests.stream().map(r -> sms.handleWebhook(w.account(), r).result()).toList());
    }

    List<List<Result>> results = together(tasks);

    int total = THREADS * perThread;
    assertThat(results).allSatisfy(r -> assertThat(r).containsOnly(Result.STORED));
    Conversation c = sms.conversation(KEY).orElseThrow();
    assertThat(c.messageCount()).isEqualTo(total);
    assertThat(c.unreadCount()).isEqualTo(total);
    assertThat(rows("sms_messages")).isEqualTo(total);
    assertThat(rows("sms_contacts")).isEqualTo(1);
    assertThat(rows("sms_meta_conversation")).isEqualTo(1);
  }

  @Test
  void parallelDuplicateDeliveriesStoreOneMessage() throws Exception {
    World w = world();
    WebhookRequest request = inbound(w, CUSTOMER, OUR_PRIMARY, "once");
    List<Callable<WebhookOutcome>> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      tasks.add(() -> sms.handleWebhook(w.account(), request));
    }

    List<WebhookOutcome> outcomes = together(tasks);

    assertThat(outcomes).filteredOn(o -> o.result() == Result.STORED).hasSize(1);
    assertThat(outcomes).extracting(WebhookOutcome::messageId).containsOnly(outcomes.get(0).messageId());
    assertThat(rows("sms_messages")).isEqualTo(1);
    assertThat(sms.conversation(KEY).orElseThrow().messageCount()).isEqualTo(1);
  }

  @Test
  void parallelSendsToANewNumberAllSucceedAndCountExactly() throws Exception {
    World w = world();
    List<Callable<SendReceipt>> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int n = t;
      tasks.add(() -> sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Update " + n).build()));
    }

    List<SendReceipt> receipts = together(tasks);

    assertThat(receipts).extracting(SendReceipt::status).containsOnly(MessageStatus.SENDING);
    assertThat(rows("sms_contacts")).isEqualTo(1);
    assertThat(sms.conversation(KEY).orElseThrow().messageCount()).isEqualTo(THREADS);
    assertThat(network().sent()).hasSize(THREADS);
  }

  @Test
  void parallelReadsAndArrivalsKeepTheUnreadCountExact() throws Exception {
    World w = world();
    List<UUID> earlier = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      earlier.add(receive(w, CUSTOMER, "early " + i).messageId());
    }
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      List<WebhookRequest> requests = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        requests.add(inbound(w, CUSTOMER, OUR_PRIMARY, "late " + t + "-" + i));
      }
      tasks.add(() -> {
        requests.forEach(r -> sms.handleWebhook(w.account(), r));
        return requests.size();
      });
    }
    for (int t = 0; t < 2; t++) {
      List<UUID> mine = new ArrayList<>(earlier);
      Collections.shuffle(mine);
      // Both readers mark all 20 (each message is taken off the count once).
      tasks.add(() -> {
        mine.forEach(sms::markRead);
        return 0;
      });
    }

    together(tasks);

    Conversation c = sms.conversation(KEY).orElseThrow();
    assertThat(c.messageCount()).isEqualTo(60);
    assertThat(c.unreadCount()).isEqualTo(40);
  }

  @Test
  void parallelReadOfOneMessageAndOfTheWholeConversationNeitherDeadlocksNorMiscounts() throws Exception {
    World w = world();
    for (int round = 0; round < 5; round++) {
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ids.add(receive(w, CUSTOMER, "r" + round + "-" + i).messageId());
      }
      List<Callable<Object>> tasks = new ArrayList<>();
      for (UUID id : ids) {
        tasks.add(() -> sms.markRead(id));
      }
      tasks.add(() -> sms.markConversationRead(KEY));
      tasks.add(() -> sms.markConversationRead(KEY));

      together(tasks);

      assertThat(sms.conversation(KEY).orElseThrow().unreadCount()).isZero();
    }
    assertThat(sms.unread(org.smskit.core.PageRequest.first(10)).items()).isEmpty();
  }

  @Test
  void parallelStatusReportsInRandomOrderEndAtTheHighestStatus() throws Exception {
    World w = world();
    List<UUID> ids = new ArrayList<>();
    List<String> sids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(sms.send(SendRequest.to("+1415555014" + i).fromService(w.service()).body("Hi").build()).messageId());
      sids.add(lastSid());
    }
    List<MessageStatus> reports = List.of(MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ,
        MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.SENDING);
    List<Callable<Result>> tasks = new ArrayList<>();
    for (String sid : sids) {
      for (MessageStatus status : reports) {
        WebhookRequest request = network().statusCallback(w.hook(), sid, status, null);
        tasks.add(() -> sms.handleWebhook(w.account(), request).result());
      }
    }
    Collections.shuffle(tasks);

    together(tasks);

    for (UUID id : ids) {
      assertThat(stored(id).status()).isEqualTo(MessageStatus.READ);
      assertThat(stored(id).readAt()).isNotNull();
      assertThat(history(id)).filteredOn(e -> e.rawPayload() != null && e.rawPayload().contains("EventType=status"))
          .extracting(MessageStatusEvent::status).hasSize(reports.size());
    }
  }
}
