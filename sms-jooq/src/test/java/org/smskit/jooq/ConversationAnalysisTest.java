package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.analysis.AnalysisException;
import org.smskit.core.analysis.AnalyzerConfig;
import org.smskit.core.analysis.ConversationAnalysis;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.smskit.core.analysis.ConversationAnalyzerFactory;
import org.smskit.core.analysis.LexiconAnalyzerFactory;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.jooq.analysis.AnalysisConfig;
import org.smskit.jooq.accounts.RotationReport;
import org.smskit.jooq.analysis.AnalysisWorker;
import org.smskit.jooq.repository.Repositories;

/**
 * Conversation analysis on the real database: conversations marked stale after committed messages (debounced and
 * coalesced), analysed by the background worker under leases, skipped when their input is unchanged, stored only by
 * the lease holder, retried and given up; on-demand analysis, the query by sentiment, and each tenant's analyzer
 * with its secret stored encrypted.
 */
class ConversationAnalysisTest extends ServiceTestBase {
  private static final AtomicInteger HOURS = new AtomicInteger();
  private static final AnalysisConfig CONFIG = AnalysisConfig.builder().debounce(Duration.ofSeconds(30))
      .maxDelay(Duration.ofMinutes(2)).lease(Duration.ofMinutes(1)).retryBackoff(Duration.ofSeconds(10))
      .maxAttempts(3).build();

  /** Analyzers of the tests: {@code gate} waits on its latch once; its results say which call made them. */
  private final Gate gate = new Gate();

  @Override
  void configure(SmsService.Builder builder) {
    builder.analyzers(new LexiconAnalyzerFactory(), gate);
  }

  /**
   * The sweep's watermark is the installation's, and every test's clock starts later than the last one's, so that
   * a test's messages are always newer than what earlier tests swept.
   */
  @BeforeEach
  void laterThanEveryEarlierTest() {
    clock.set(Instant.parse("2025-01-01T00:00:00Z").plus(Duration.ofHours(HOURS.incrementAndGet())));
  }

  private World w;

  @BeforeEach
  void sender() {
    w = world();
  }

  private String conversationOf(String from) {
    return sms.inTransaction((Repositories r) -> r.dsl().select(DSL.field("conversation_id", String.class))
        .from(DSL.table(DSL.name("smskit", "sms_meta_conversation")))
        .where(DSL.field(DSL.name("tenant_id")).eq(r.tenant()))
        .and(DSL.field("conversation_id", String.class).contains(from.substring(1))).fetchSingle().value1());
  }

  private Conversation conversation(String from) {
    return sms.conversation(conversationOf(from)).orElseThrow();
  }

  private List<String> audit() {
    return sms.inTransaction((Repositories r) -> r.dsl().select(DSL.field("outcome", String.class))
        .from(DSL.table(DSL.name("smskit", "sms_analysis_runs")))
        .where(DSL.field(DSL.name("tenant_id")).eq(r.tenant()))
        .orderBy(DSL.field("created_at"), DSL.field("id")).fetch().getValues(0, String.class));
  }

  private long tasks() {
    return rows("sms_analysis_tasks");
  }

  @Test
  void aConversationIsAnalysedInTheBackgroundOnceItsMessagesSettle() {
    AnalysisWorker worker = sms.analytics().worker(CONFIG);
    receive(w, "+14155550123", "My order never arrived and nobody answers. This is terrible!");
    worker.runOnce();
    assertThat(tasks()).as("marked at once, due after the debounce").isEqualTo(1);
    assertThat(conversation("+14155550123").summaryUpdatedAt()).isNull();

    clock.advance(Duration.ofSeconds(31));
    worker.runOnce();
    Conversation c = conversation("+14155550123");
    assertThat(c.summaryText()).contains("Customer: ").contains("order never arrived");
    assertThat(c.sentimentScore()).isNegative();
    assertThat(c.keyPoints()).isNotEmpty();
    assertThat(c.aiModel()).isEqualTo("lexicon/1");
    assertThat(c.aiLanguage()).isEqualTo("en");
    assertThat(c.summaryUpdatedAt()).isEqualTo(clock.instant());
    assertThat(tasks()).isZero();
    assertThat(audit()).containsExactly("analyzed");
  }

  @Test
  void messagesArrivingWithinTheDebounceAreOneAnalysisAndTheLongestDelayIsBounded() {
    AnalysisWorker worker = sms.analytics().worker(CONFIG);
    // A message every 20 s keeps moving the debounce; the longest delay (2 min) still has it analysed.
    for (int i = 0; i < 6; i++) {
      receive(w, "+14155550124", "Message " + i + ": I love how fast you answered, thanks!");
      worker.runOnce();
      assertThat(tasks()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(20));
    }
    assertThat(audit()).isEmpty();
    worker.runOnce(); // 2 min after the first message
    assertThat(audit()).containsExactly("analyzed");
    assertThat(conversation("+14155550124").sentimentScore()).isPositive();
  }

  @Test
  void anInputAlreadyAnalysedIsNotAnalysedAgainAndALaterMessageIs() {
    AnalysisWorker worker = sms.analytics().worker(CONFIG);
    receive(w, "+14155550125", "Can you deliver on Friday?");
    worker.runOnce();
    clock.advance(Duration.ofSeconds(31));
    worker.runOnce();
    Instant first = conversation("+14155550125").summaryUpdatedAt();

    // A status report or an analysis on demand changes no message: nothing is marked.
    clock.advance(Duration.ofMinutes(5));
    worker.runOnce();
    assertThat(tasks()).isZero();

    // A picture without text moves the rollup but not the text the analysis reads: skipped as unchanged.
    sms.handleWebhook(w.account(), inbound(w, "+14155550125", OUR_PRIMARY, "",
        new org.smskit.core.spi.InboundMedia("https://media.example.com/1.png", "image/png", "ME1")));
    worker.runOnce();
    clock.advance(Duration.ofSeconds(31));
    worker.runOnce();
    assertThat(audit()).containsExactly("analyzed", "unchanged");
    assertThat(conversation("+14155550125").summaryUpdatedAt()).isEqualTo(first);

    receive(w, "+14155550125", "Actually Saturday is better, thank you!");
    worker.runOnce();
    clock.advance(Duration.ofSeconds(31));
    worker.runOnce();
    assertThat(audit()).containsExactly("analyzed", "unchanged", "analyzed");
    assertThat(conversation("+14155550125").summaryUpdatedAt()).isAfter(first);
  }

  @Test
  void aWorkerThatLostItsLeaseStoresNothingAndTheNewHolderStoresOnce() throws Exception {
    sms.analytics().useAnalyzer("gate", Map.of(), Map.of());
    AnalysisWorker slow = sms.analytics().worker(CONFIG);
    AnalysisWorker other = sms.analytics().worker(CONFIG);
    receive(w, "+14155550126", "Where is my parcel?");
    slow.runOnce();
    clock.advance(Duration.ofSeconds(31));
    gate.holdNext();
    String winner;
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> held = pool.submit(slow::runOnce);
      assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
      clock.advance(Duration.ofMinutes(2)); // the slow worker's lease has run out
      other.runOnce();
      winner = conversation("+14155550126").summaryText();
      assertThat(winner).startsWith("gate call ");
      gate.release.countDown();
      held.get(10, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(conversation("+14155550126").summaryText()).as("the late result was dropped").isEqualTo(winner);
    assertThat(audit()).containsExactly("analyzed");
    assertThat(tasks()).isZero();
  }

  @Test
  void severalWorkersAnalyseEachConversationOnce() throws Exception {
    for (int i = 0; i < 120; i++) {
      receive(w, String.format("+1415555%04d", 2000 + i), "Order " + i + " arrived damaged, not happy.");
    }
    List<AnalysisWorker> workers = List.of(sms.analytics().worker(CONFIG), sms.analytics().worker(CONFIG),
        sms.analytics().worker(CONFIG));
    workers.get(0).runOnce();
    clock.advance(Duration.ofSeconds(31));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (AnalysisWorker worker : workers) {
        runs.add(pool.submit(() -> {
          for (int round = 0; round < 20; round++) {
            worker.runOnce();
          }
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(audit()).hasSize(120).containsOnly("analyzed");
    assertThat(tasks()).isZero();
  }

  @Test
  void aFailingAnalyzerIsRetriedWithBackoffThenGivenUpUntilTheNextMessage() {
    SmsService failing = service(builder(), b -> b.analyzers(new Failing()));
    SmsService mine = failing.forTenant(tenant);
    AnalysisWorker worker = mine.analytics().worker(CONFIG);
    receive(w, "+14155550127", "Hello?");
    worker.runOnce();
    clock.advance(Duration.ofSeconds(31));
    worker.runOnce();
    assertThat(audit()).containsExactly("failed");
    assertThat(tasks()).as("kept for a retry").isEqualTo(1);
    worker.runOnce();
    assertThat(audit()).as("not before its backoff").hasSize(1);
    clock.advance(Duration.ofSeconds(11));
    worker.runOnce();
    clock.advance(Duration.ofSeconds(21));
    worker.runOnce();
    assertThat(audit()).containsExactly("failed", "failed", "failed");
    assertThat(tasks()).as("given up after 3 attempts").isZero();
  }

  @Test
  void aRemoteAnalyzerThatFailsFallsBackToTheLexiconAnalyzer() {
    sms.analytics().useAnalyzer("gate", Map.of("fail", "true"), Map.of());
    Conversation c;
    receive(w, "+14155550128", "Thanks a lot, great service!");
    c = sms.analytics().analyze(conversationOf("+14155550128"));
    assertThat(c.aiModel()).isEqualTo("lexicon/1");
    assertThat(c.sentimentScore()).isPositive();
  }

  @Test
  void onDemandAnalysisStoresAndReturnsTheConversation() {
    receive(w, "+14155550129", "I am very disappointed, the technician never came.");
    Conversation c = sms.analytics().analyze(conversationOf("+14155550129"));
    assertThat(c.sentimentScore()).isNegative();
    assertThat(c.summaryText()).isNotBlank();
    assertThat(conversation("+14155550129")).isEqualTo(c);
    assertThat(audit()).containsExactly("analyzed");
    assertThatThrownBy(() -> sms.analytics().analyze("n:+1:+2")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void conversationsAreListedBySentimentMostNegativeFirstPageByPage() {
    String[] texts = {"This is awful, I want a refund!", "ok", "Thank you so much, wonderful!",
        "Terrible service, never again", "Not bad at all"};
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      String from = String.format("+1415555%04d", 3000 + i);
      receive(w, from, texts[i]);
      ids.add(sms.analytics().analyze(conversationOf(from)).conversationId());
    }
    sms.closeConversation(ids.get(3));
    Page<Conversation> first = sms.analytics().bySentiment(-1, 1, ConversationState.OPEN, PageRequest.first(2));
    assertThat(first.items()).hasSize(2);
    assertThat(first.items().get(0).conversationId()).isEqualTo(ids.get(0));
    Page<Conversation> rest = sms.analytics().bySentiment(-1, 1, ConversationState.OPEN,
        PageRequest.after(first.next().orElseThrow(), 10));
    List<java.math.BigDecimal> scores = new ArrayList<>();
    first.items().forEach(c -> scores.add(c.sentimentScore()));
    rest.items().forEach(c -> scores.add(c.sentimentScore()));
    assertThat(scores).hasSize(4).isSorted();
    assertThat(rest.hasNext()).isFalse();
    assertThat(sms.analytics().bySentiment(-1, -0.05, null, PageRequest.first(10)).items())
        .extracting(Conversation::conversationId).contains(ids.get(0), ids.get(3)).doesNotContain(ids.get(2));
    assertThatThrownBy(() -> sms.analytics().bySentiment(0.5, 0.1, null, PageRequest.first(1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("max");
  }

  @Test
  void aTenantsAnalyzerIsCheckedAndItsSecretStoredEncrypted() {
    assertThatThrownBy(() -> sms.analytics().useAnalyzer("gpt", Map.of(), Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("analyzer").hasMessageContaining("lexicon");
    assertThatThrownBy(() -> sms.analytics().useAnalyzer("gate", Map.of("apiKey", "sk-1"), Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("settings.apiKey");
    assertThatThrownBy(() -> sms.analytics().useAnalyzer("gate", Map.of("colour", "red"), Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("colour");
    sms.analytics().useAnalyzer("gate", Map.of(), Map.of("apiKey", "sk-secret-123"));
    String stored = sms.inTransaction((Repositories r) -> r.dsl().select(DSL.field("secrets::text", String.class))
        .from(DSL.table(DSL.name("smskit", "sms_analyzer_settings")))
        .where(DSL.field(DSL.name("tenant_id")).eq(r.tenant())).fetchSingle().value1());
    assertThat(stored).doesNotContain("sk-secret-123").contains("enc:v1:");
    receive(w, "+14155550130", "Hi");
    sms.analytics().analyze(conversationOf("+14155550130"));
    assertThat(gate.lastKey).isEqualTo("sk-secret-123");
  }

  /** Keys of this class's database besides the service's own (key checks are per installation). */
  private final javax.crypto.SecretKey k0 = org.smskit.core.crypto.AesKeys.generate();
  private final javax.crypto.SecretKey k2 = org.smskit.core.crypto.AesKeys.generate();

  private String storedSecrets() {
    return sms.inTransaction((Repositories r) -> r.dsl().select(DSL.field("secrets::text", String.class))
        .from(DSL.table(DSL.name("smskit", "sms_analyzer_settings")))
        .where(DSL.field(DSL.name("tenant_id")).eq(r.tenant())).fetchSingle().value1());
  }

  @Test
  void rotatingCredentialsReencryptsTheAnalyzersSecretsSoThatTheOldKeyCanBeRetired() {
    sms.analytics().useAnalyzer("gate", Map.of(), Map.of("apiKey", "sk-rotated"));
    receive(w, "+14155550135", "Hi");
    SmsService rotating = service(builder(StaticKeyProvider.of(Map.of("k1", key, "k2", k2), "k2")),
        b -> b.analyzers(new LexiconAnalyzerFactory(), gate));

    RotationReport report = rotating.rotateCredentials();

    assertThat(report.complete()).isTrue();
    assertThat(report.rewritten()).as("the world's auth token and the analyzer's key").isEqualTo(2);
    assertThat(storedSecrets()).contains("enc:v1:k2:").doesNotContain("enc:v1:k1:");
    assertThat(rotating.rotateCredentials().rewritten()).as("nothing left to rewrite").isZero();
    // A node that holds only the new key reads it.
    SmsService retired = service(builder(StaticKeyProvider.of(Map.of("k2", k2), "k2")),
        b -> b.analyzers(new LexiconAnalyzerFactory(), gate));
    retired.analytics().analyze(conversationOf("+14155550135"));
    assertThat(gate.lastKey).isEqualTo("sk-rotated");
  }

  @Test
  void anAnalyzerSecretUnderAKeyNoLongerHeldIsReportedAndLeftAsItIs() {
    SmsService old = service(builder(StaticKeyProvider.of(Map.of("k0", k0, "k1", key), "k0")),
        b -> b.analyzers(new LexiconAnalyzerFactory(), gate));
    old.analytics().useAnalyzer("gate", Map.of(), Map.of("apiKey", "sk-lost"));
    String before = storedSecrets();
    SmsService rotating = service(builder(StaticKeyProvider.of(Map.of("k1", key, "k2", k2), "k2")),
        b -> b.analyzers(new LexiconAnalyzerFactory(), gate));

    RotationReport report = rotating.rotateCredentials();

    assertThat(report.complete()).isFalse();
    assertThat(report.unreadableAnalyzerSecrets()).containsExactly("apiKey");
    assertThat(report.unreadableAccounts()).isEmpty();
    assertThat(storedSecrets()).isEqualTo(before);
  }

  @Test
  void aStartedWorkerAnalysesOnItsOwnAndStopsWhenClosed() throws Exception {
    AnalysisWorker worker = sms.analytics().worker(AnalysisConfig.builder().debounce(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20)).build());
    receive(w, "+14155550131", "Great, see you tomorrow!");
    worker.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (conversation("+14155550131").summaryUpdatedAt() == null && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(conversation("+14155550131").summaryUpdatedAt()).isNotNull();
    } finally {
      worker.close();
    }
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("smskit-analysis-")
        && t.isAlive());
  }

  // ---------------------------------------------------------------------------------------------------------

  /** A test analyzer: its result's summary says which call made it; {@code fail=true} fails every call. */
  static final class Gate implements ConversationAnalyzerFactory {
    final AtomicInteger calls = new AtomicInteger();
    volatile CountDownLatch entered = new CountDownLatch(0);
    volatile CountDownLatch release = new CountDownLatch(0);
    volatile boolean holdNext;
    volatile String lastKey;

    void holdNext() {
      entered = new CountDownLatch(1);
      release = new CountDownLatch(1);
      holdNext = true;
    }

    @Override
    public String name() {
      return "gate";
    }

    @Override
    public java.util.Set<String> secretSettings() {
      return java.util.Set.of("apiKey");
    }

    @Override
    public ConversationAnalyzer create(AnalyzerConfig config) {
      for (String key : config.settings().keySet()) {
        if (!key.equals("fail")) {
          throw new InvalidInputException("settings." + key, "unknown setting");
        }
      }
      boolean fail = config.setting("fail").map(Boolean::parseBoolean).orElse(false);
      config.secret("apiKey").ifPresent(k -> lastKey = k.reveal());
      return new ConversationAnalyzer() {
        @Override
        public String name() {
          return "gate";
        }

        @Override
        public String fingerprint() {
          return "gate/1";
        }

        @Override
        public ConversationAnalysis analyze(org.smskit.core.analysis.AnalysisRequest request) {
          int call = calls.incrementAndGet();
          if (fail) {
            throw new AnalysisException("http_503", "down", true, null, null);
          }
          if (holdNext) {
            holdNext = false;
            entered.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return new ConversationAnalysis(ConversationAnalysis.Outcome.ANALYZED, "gate call " + call, List.of(),
              0.0, null, null, "en", 1.0, "gate", "1", 10, 5);
        }
      };
    }
  }

  /** A {@code lexicon} analyzer that always fails retryably: what the worker does with failures. */
  static final class Failing implements ConversationAnalyzerFactory {
    @Override
    public String name() {
      return "lexicon";
    }

    @Override
    public ConversationAnalyzer create(AnalyzerConfig config) {
      return new ConversationAnalyzer() {
        @Override
        public String name() {
          return "lexicon";
        }

        @Override
        public String fingerprint() {
          return "failing";
        }

        @Override
        public ConversationAnalysis analyze(org.smskit.core.analysis.AnalysisRequest request) {
          throw new AnalysisException("timeout", "no answer", true, null, null);
        }
      };
    }
  }
}
