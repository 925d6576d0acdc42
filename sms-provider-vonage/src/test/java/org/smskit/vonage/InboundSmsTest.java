package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.phone.AlphanumericSenderId;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookVerificationException;

/** Inbound SMS, single and concatenated. */
class InboundSmsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] TEXTS = {"Hello, this is part one ", "and part two with ümlaut ", "and three!"};

  private final Fixtures.MutableClock clock = new Fixtures.MutableClock(Fixtures.NOW);
  private final InMemoryFragmentStore store = new InMemoryFragmentStore(clock);
  private final WebhookContext context = new WebhookContext(store);
  private final VonageProvider vonage =
      Fixtures.provider(Fixtures.signedConfig("{\"allowUnsignedWebhooks\":true}", clock));

  private static Map<String, String> inbound(String text) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("msisdn", "447700900123");
    p.put("to", "14155550100");
    p.put("messageId", "0B00000012345678");
    p.put("text", text);
    p.put("type", "text");
    p.put("keyword", "HELLO");
    p.put("api-key", "a1b2c3d4");
    p.put("message-timestamp", "2023-11-14 22:13:10");
    return p;
  }

  private static Map<String, String> part(int n) {
    Map<String, String> p = inbound(TEXTS[n - 1]);
    p.put("messageId", "0B000000000001" + (char) ('A' + n - 1));
    p.put("concat", "true");
    p.put("concat-ref", "108");
    p.put("concat-total", "3");
    p.put("concat-part", Integer.toString(n));
    p.put("message-timestamp", "2023-11-14 22:13:1" + n);
    return p;
  }

  private WebhookEvent deliver(Map<String, String> p) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    p.forEach((k, v) -> form.put(k, List.of(v)));
    return vonage.parseWebhook(Fixtures.postForm(form), context);
  }

  @Test
  void singleInboundSmsBecomesOneEventWithE164Numbers() {
    WebhookEvent event = deliver(inbound("Hello there"));

    assertThat(event).isInstanceOfSatisfying(InboundMessageEvent.class, e -> {
      assertThat(e.provider()).isEqualTo("vonage");
      assertThat(e.providerMessageId()).isEqualTo("0B00000012345678");
      assertThat(e.from()).isEqualTo(PhoneNumber.of("+447700900123"));
      assertThat(e.to()).isEqualTo(PhoneNumber.of("+14155550100"));
      assertThat(e.body()).isEqualTo("Hello there");
      assertThat(e.media()).isEmpty();
      assertThat(e.optOut()).isEmpty();
      assertThat(e.receivedAt()).isEqualTo(Instant.parse("2023-11-14T22:13:10Z"));
      assertThat(e.rawPayload()).contains("msisdn=447700900123");
    });
    assertThat(store.calls()).isEmpty();
  }

  /** python3: hashlib.md5((canonical(params) + "sig-secret-0123456789abcdef").encode()).hexdigest() */
  @Test
  void signedUnicodeInboundAsJsonVerifiesWithTheDefaultMd5Hash() throws Exception {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("msisdn", "447700900123");
    p.put("to", "14155550100");
    p.put("messageId", "0B00000012345678");
    p.put("text", "Grüße & küsse");
    p.put("type", "unicode");
    p.put("keyword", "GRÜSSE");
    p.put("api-key", "a1b2c3d4");
    p.put("message-timestamp", "2023-11-14 22:13:10");
    p.put("timestamp", "1699999990");
    p.put("nonce", "n-1");
    p.put("sig", "ed139282a9c1e72c380efed923d1a71e");
    VonageProvider strict = Fixtures.provider(Fixtures.signedConfig("{}"));

    WebhookEvent event = strict.parseWebhook(Fixtures.postJson(JSON.writeValueAsString(p), Map.of()), context);

    assertThat(event).isInstanceOfSatisfying(InboundMessageEvent.class,
        e -> assertThat(e.body()).isEqualTo("Grüße & küsse"));
    p.put("text", "Grüße & küsse!");
    assertThatThrownBy(() -> strict.parseWebhook(Fixtures.postJson(JSON.writeValueAsString(p), Map.of()), context))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void alphanumericSenderIsKeptAsSenderId() {
    Map<String, String> p = inbound("Your code is 1234");
    p.put("msisdn", "ACME");

    InboundMessageEvent event = (InboundMessageEvent) deliver(p);

    assertThat(event.from()).isEqualTo(new AlphanumericSenderId("ACME"));
  }

  @Test
  void concatenatedPartsInShuffledOrderWithDuplicatesMakeExactlyOneMessage() {
    List<Integer> arrivals = List.of(2, 3, 2, 1, 3, 1);
    List<InboundMessageEvent> events = new ArrayList<>();
    for (int n : arrivals) {
      WebhookEvent event = deliver(part(n));
      if (event instanceof InboundMessageEvent inbound) {
        events.add(inbound);
      } else {
        assertThat(event).isInstanceOf(WebhookEvent.Acknowledged.class);
      }
    }

    assertThat(events).hasSize(1);
    InboundMessageEvent message = events.get(0);
    assertThat(message.body()).isEqualTo("Hello, this is part one and part two with ümlaut and three!");
    assertThat(message.providerMessageId()).isEqualTo("0B000000000001A");
    assertThat(message.from()).isEqualTo(PhoneNumber.of("+447700900123"));
    assertThat(message.to()).isEqualTo(PhoneNumber.of("+14155550100"));
    assertThat(message.receivedAt()).isEqualTo(Instant.parse("2023-11-14T22:13:11Z"));
    assertThat(message.rawPayload()).startsWith("[{").contains("\"concat-part\":\"1\"")
        .contains("\"concat-part\":\"3\"");
  }

  /**
   * A set delivered again in full after it completed makes the same message again (same provider id, so the
   * service's de-duplication keeps one); anything less is acknowledged and left to expire.
   */
  @Test
  void anyArrivalOrderWithDuplicatesMakesOneMessagePerCompleteSetAllWithPartOnesId() {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      List<Integer> arrivals = new ArrayList<>(List.of(1, 2, 3));
      for (int extra = random.nextInt(5); extra > 0; extra--) {
        arrivals.add(1 + random.nextInt(3));
      }
      Collections.shuffle(arrivals, random);
      WebhookContext fresh = new WebhookContext(new InMemoryFragmentStore(clock));
      List<InboundMessageEvent> events = new ArrayList<>();
      java.util.Set<Integer> pending = new java.util.HashSet<>();
      int completeSets = 0;
      for (int n : arrivals) {
        if (pending.add(n) && pending.size() == 3) {
          completeSets++;
          pending.clear();
        }
        if (vonage.parseWebhook(Fixtures.postForm(form(part(n))), fresh) instanceof InboundMessageEvent inbound) {
          events.add(inbound);
        }
      }
      assertThat(events).as("arrivals %s", arrivals).hasSize(completeSets);
      assertThat(events).extracting(InboundMessageEvent::providerMessageId).containsOnly("0B000000000001A");
      assertThat(events).extracting(InboundMessageEvent::body).containsOnly(String.join("", TEXTS));
    }
  }

  @Test
  void partsArrivingConcurrentlyMakeExactlyOneMessage() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 100; round++) {
        WebhookContext fresh = new WebhookContext(new InMemoryFragmentStore(clock));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<WebhookEvent>> futures = new ArrayList<>();
        // Each part twice at once, as when Vonage retries a part whose 2xx was slow.
        for (int n : List.of(1, 2, 3, 3, 2, 1)) {
          Map<String, List<String>> form = form(part(n));
          Callable<WebhookEvent> call = () -> {
            start.await();
            return vonage.parseWebhook(Fixtures.postForm(form), fresh);
          };
          futures.add(pool.submit(call));
        }
        start.countDown();
        List<InboundMessageEvent> events = new ArrayList<>();
        for (Future<WebhookEvent> future : futures) {
          if (future.get(10, TimeUnit.SECONDS) instanceof InboundMessageEvent inbound) {
            events.add(inbound);
          }
        }
        // Duplicates of a part racing the completing call may start a second, incomplete set; never a second
        // message unless all three parts arrive again.
        assertThat(events).extracting(InboundMessageEvent::providerMessageId).containsOnly("0B000000000001A");
        assertThat(events).hasSizeBetween(1, 2);
      }
      for (int round = 0; round < 100; round++) {
        WebhookContext fresh = new WebhookContext(new InMemoryFragmentStore(clock));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<WebhookEvent>> futures = new ArrayList<>();
        for (int n : List.of(3, 1, 2)) {
          Map<String, List<String>> form = form(part(n));
          futures.add(pool.submit(() -> {
            start.await();
            return vonage.parseWebhook(Fixtures.postForm(form), fresh);
          }));
        }
        start.countDown();
        int events = 0;
        for (Future<WebhookEvent> future : futures) {
          events += future.get(10, TimeUnit.SECONDS) instanceof InboundMessageEvent ? 1 : 0;
        }
        assertThat(events).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void incompleteSetIsAcknowledgedAndKeptWithTheConfiguredExpiry() {
    WebhookEvent event = deliver(part(2));

    assertThat(event).isInstanceOfSatisfying(WebhookEvent.Acknowledged.class, a -> {
      assertThat(a.provider()).isEqualTo("vonage");
      assertThat(a.reason()).contains("part 2 of 3");
    });
    assertThat(store.calls()).containsExactly(
        "vonage|sms:14155550100:447700900123:108|2/3|" + Fixtures.NOW.plus(Duration.ofHours(24)));
  }

  @Test
  void partsOfAnExpiredSetNeverCompleteAMessage() {
    VonageProvider shortTtl = Fixtures.provider(Fixtures.signedConfig(
        "{\"allowUnsignedWebhooks\":true,\"concatPartsTtlSeconds\":60}", clock));
    Map<String, List<String>> one = form(part(1));
    Map<String, List<String>> two = form(part(2));
    Map<String, List<String>> three = form(part(3));

    assertThat(shortTtl.parseWebhook(Fixtures.postForm(one), context)).isInstanceOf(WebhookEvent.Acknowledged.class);
    assertThat(shortTtl.parseWebhook(Fixtures.postForm(two), context)).isInstanceOf(WebhookEvent.Acknowledged.class);
    clock.advance(Duration.ofSeconds(61));
    assertThat(shortTtl.parseWebhook(Fixtures.postForm(three), context))
        .isInstanceOf(WebhookEvent.Acknowledged.class);
    assertThat(store.openSets()).isEqualTo(1);
  }

  @Test
  void setsAreKeptApartBySenderRecipientAndReference() {
    Map<String, String> otherSender = part(1);
    otherSender.put("msisdn", "447700900999");

    deliver(part(2));
    deliver(part(3));
    assertThat(deliver(otherSender)).isInstanceOf(WebhookEvent.Acknowledged.class);
    assertThat(deliver(part(1))).isInstanceOf(InboundMessageEvent.class);
  }

  @Test
  void concatWithOnePartIsJustAMessage() {
    Map<String, String> p = part(1);
    p.put("concat-total", "1");

    assertThat(deliver(p)).isInstanceOf(InboundMessageEvent.class);
    assertThat(store.calls()).isEmpty();
  }

  @Test
  void malformedConcatenationFieldsAreInvalidInput() {
    Map<String, String> partTooHigh = part(1);
    partTooHigh.put("concat-part", "4");
    Map<String, String> notANumber = part(1);
    notANumber.put("concat-total", "three");

    assertThatThrownBy(() -> deliver(partTooHigh)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("concat-part"));
    assertThatThrownBy(() -> deliver(notANumber)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("concat-total"));
  }

  @Test
  void binarySmsIsAcknowledgedWithoutAnEvent() {
    Map<String, String> p = inbound("");
    p.put("type", "binary");
    p.put("data", "0102");
    p.put("udh", "050003CC0201");

    assertThat(deliver(p)).isInstanceOf(WebhookEvent.Acknowledged.class);
  }

  private static Map<String, List<String>> form(Map<String, String> p) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    p.forEach((k, v) -> out.put(k, List.of(v)));
    return out;
  }
}
