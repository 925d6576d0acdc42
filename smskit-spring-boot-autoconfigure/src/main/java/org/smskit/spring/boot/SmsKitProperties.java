package org.smskit.spring.boot;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smskit.core.model.OptOutScope;
import org.smskit.jooq.analysis.AnalysisConfig;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.schema.SchemaConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code smskit.*} properties of a Spring Boot application. Options left unset keep the library's defaults
 * (those of {@code SmsService.Builder}, {@link DispatcherConfig} and {@link AnalysisConfig}); what properties cannot
 * express goes into an {@link SmsKitCustomizer} bean.
 */
@ConfigurationProperties("smskit")
public class SmsKitProperties {
  private static final DispatcherConfig DISPATCH = DispatcherConfig.builder().build();
  private static final AnalysisConfig ANALYSIS = AnalysisConfig.defaults();

  /** Whether to create the SmsService bean and everything around it. */
  private boolean enabled = true;

  /** PostgreSQL schema of smskit's tables. */
  private String schema = SchemaConfig.DEFAULT_SCHEMA;

  /** Flyway history table of smskit's migrations, in smskit's schema (never the host's). */
  private String historyTable = SchemaConfig.DEFAULT_HISTORY_TABLE;

  /** Region that national numbers are read in, such as "US"; unset, numbers need a leading '+'. */
  private String defaultRegion;

  /** What a conversation is: one of our numbers and one outside number, or one messaging service and one. */
  private ConversationScope conversationScope = ConversationScope.PER_NUMBER;

  /** Whether the number a contact was first sent from becomes its assigned number. */
  private boolean stickySender = true;

  /** Automatic reply to HELP and INFO keywords; unset, no reply. */
  private String helpReply;

  /** What a STOP keyword opts the sender out of: "all" senders or "marketing" services only. */
  private OptOutScope keywordOptOutScope = OptOutScope.ALL;

  /** Whether transactional services may reach recipients who opted out of marketing only. */
  private boolean transactionalIgnoresMarketingOptOut;

  /**
   * Whether smskit's work joins the Spring transaction active on the calling thread (through a
   * TransactionAwareDataSourceProxy over the DataSource), with listeners hearing of it after the commit.
   */
  private boolean joinTransactions = true;

  private final Keys keys = new Keys();
  private final Migrate migrate = new Migrate();
  private final Webhook webhook = new Webhook();
  private final Dispatch dispatch = new Dispatch();
  private final Analysis analysis = new Analysis();
  private final Health health = new Health();

  /** The AES keys that encrypt provider credentials; without them, and without a KeyProvider bean, SMSKIT_KEYS. */
  public static class Keys {
    /** Base64 of each 32-byte AES key, by key id (ids of A-Z, a-z, 0-9, '_', '.', '-'). */
    private Map<String, String> ring = new LinkedHashMap<>();

    /** Id of the key new secrets are encrypted under; may be left out when the ring holds one key. */
    private String active;

    public Map<String, String> getRing() {
      return ring;
    }

    public void setRing(Map<String, String> ring) {
      this.ring = ring;
    }

    public String getActive() {
      return active;
    }

    public void setActive(String active) {
      this.active = active;
    }

    @Override
    public String toString() {
      return "Keys[ids=" + ring.keySet() + ", active=" + active + "]"; // never the key material
    }
  }

  /** smskit's migrations. */
  public static class Migrate {
    /**
     * Whether to migrate smskit's schema (and verify the keys) when the SmsService bean is created; turn off where
     * operators migrate separately.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** Provider webhooks. */
  public static class Webhook {
    /**
     * Public base URL of the webhook endpoint as providers call it (behind any proxy), such as
     * "https://erp.example.com/smskit/webhooks"; status callbacks are requested at base-url/tenant/account-id, and
     * signatures are verified against it.
     */
    private URI baseUrl;

    /** Whether to serve the webhook endpoint (Spring MVC) at path/{tenant}/{accountId}. */
    private boolean enabled;

    /** Local path of the webhook endpoint, under the servlet context. */
    private String path = "/smskit/webhooks";

    public URI getBaseUrl() {
      return baseUrl;
    }

    public void setBaseUrl(URI baseUrl) {
      this.baseUrl = baseUrl;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }
  }

  /** The background dispatcher, which sends queued messages, retries and reconciles. */
  public static class Dispatch {
    /** Whether this node runs a dispatcher, started and stopped with the application context. */
    private boolean enabled = true;

    /** Threads that claim and send. */
    private int workers = DISPATCH.workers();

    /** How soon an idle worker looks for work again; doubles while idle, up to max-poll-interval. */
    private Duration pollInterval = DISPATCH.pollInterval();

    /** Longest wait of an idle worker between looks. */
    private Duration maxPollInterval = DISPATCH.maxPollInterval();

    /** Messages claimed at once by a worker (and so its requests in flight). */
    private int batchSize = DISPATCH.batchSize();

    /** How long a claimed message belongs to its worker (renewed while in flight). */
    private Duration lease = DISPATCH.lease();

    /** Sends tried before a retryable failure becomes final. */
    private int maxAttempts = DISPATCH.maxAttempts();

    /** Wait after the first retryable failure, doubling with jitter up to max-backoff. */
    private Duration backoff = DISPATCH.backoff();

    /** Longest wait between retries. */
    private Duration maxBackoff = DISPATCH.maxBackoff();

    /** What to do when a send's outcome is unknown: "hold" it for reconciliation, or "retry" it. */
    private UnknownOutcome unknownOutcome = DISPATCH.unknownOutcome();

    /** How often held messages are looked up at their providers; unset, only on demand. */
    private Duration reconcileInterval = DISPATCH.reconcileInterval();

    /** How long closing the context waits for messages in flight. */
    private Duration shutdownGrace = Duration.ofSeconds(30);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getWorkers() {
      return workers;
    }

    public void setWorkers(int workers) {
      this.workers = workers;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getMaxPollInterval() {
      return maxPollInterval;
    }

    public void setMaxPollInterval(Duration maxPollInterval) {
      this.maxPollInterval = maxPollInterval;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }

    public Duration getLease() {
      return lease;
    }

    public void setLease(Duration lease) {
      this.lease = lease;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getBackoff() {
      return backoff;
    }

    public void setBackoff(Duration backoff) {
      this.backoff = backoff;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    public UnknownOutcome getUnknownOutcome() {
      return unknownOutcome;
    }

    public void setUnknownOutcome(UnknownOutcome unknownOutcome) {
      this.unknownOutcome = unknownOutcome;
    }

    public Duration getReconcileInterval() {
      return reconcileInterval;
    }

    public void setReconcileInterval(Duration reconcileInterval) {
      this.reconcileInterval = reconcileInterval;
    }

    public Duration getShutdownGrace() {
      return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
    }

    /** The library's dispatcher settings with these properties applied. */
    DispatcherConfig.Builder toConfig() {
      DispatcherConfig.Builder b = DispatcherConfig.builder().workers(workers).pollInterval(pollInterval)
          .maxPollInterval(maxPollInterval).batchSize(batchSize).lease(lease).maxAttempts(maxAttempts)
          .backoff(backoff, maxBackoff).unknownOutcome(unknownOutcome);
      return reconcileInterval == null ? b : b.reconcileInterval(reconcileInterval);
    }
  }

  /**
   * The background conversation analysis worker. Which analyzer a tenant uses is stored per tenant
   * (ConversationAnalytics.useAnalyzer); installed analyzers are found on the class path.
   */
  public static class Analysis {
    /** Whether this node runs the analysis worker, started and stopped with the application context. */
    private boolean enabled;

    /** How long after a conversation's latest message it is analysed. */
    private Duration debounce = ANALYSIS.debounce();

    /** Longest a busy conversation waits for analysis from its first unanalysed message. */
    private Duration maxDelay = ANALYSIS.maxDelay();

    /** How often an idle worker looks for conversations to analyse. */
    private Duration pollInterval = ANALYSIS.pollInterval();

    /** Conversations claimed at once. */
    private int batchSize = ANALYSIS.batchSize();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getDebounce() {
      return debounce;
    }

    public void setDebounce(Duration debounce) {
      this.debounce = debounce;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }

    AnalysisConfig toConfig() {
      return AnalysisConfig.builder().debounce(debounce).maxDelay(maxDelay).pollInterval(pollInterval)
          .batchSize(batchSize).build();
    }
  }

  /** The "smskit" health indicator (with Spring Boot Actuator). */
  public static class Health {
    /** Oldest queued age above which the indicator reports OUT_OF_SERVICE; unset, never. */
    private Duration maxOldestQueuedAge;

    /** Held messages (unknown outcome) above which the indicator reports OUT_OF_SERVICE; unset, never. */
    private Long maxHeld;

    public Duration getMaxOldestQueuedAge() {
      return maxOldestQueuedAge;
    }

    public void setMaxOldestQueuedAge(Duration maxOldestQueuedAge) {
      this.maxOldestQueuedAge = maxOldestQueuedAge;
    }

    public Long getMaxHeld() {
      return maxHeld;
    }

    public void setMaxHeld(Long maxHeld) {
      this.maxHeld = maxHeld;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getSchema() {
    return schema;
  }

  public void setSchema(String schema) {
    this.schema = schema;
  }

  public String getHistoryTable() {
    return historyTable;
  }

  public void setHistoryTable(String historyTable) {
    this.historyTable = historyTable;
  }

  public String getDefaultRegion() {
    return defaultRegion;
  }

  public void setDefaultRegion(String defaultRegion) {
    this.defaultRegion = defaultRegion;
  }

  public ConversationScope getConversationScope() {
    return conversationScope;
  }

  public void setConversationScope(ConversationScope conversationScope) {
    this.conversationScope = conversationScope;
  }

  public boolean isStickySender() {
    return stickySender;
  }

  public void setStickySender(boolean stickySender) {
    this.stickySender = stickySender;
  }

  public String getHelpReply() {
    return helpReply;
  }

  public void setHelpReply(String helpReply) {
    this.helpReply = helpReply;
  }

  public OptOutScope getKeywordOptOutScope() {
    return keywordOptOutScope;
  }

  public void setKeywordOptOutScope(OptOutScope keywordOptOutScope) {
    this.keywordOptOutScope = keywordOptOutScope;
  }

  public boolean isTransactionalIgnoresMarketingOptOut() {
    return transactionalIgnoresMarketingOptOut;
  }

  public void setTransactionalIgnoresMarketingOptOut(boolean value) {
    this.transactionalIgnoresMarketingOptOut = value;
  }

  public boolean isJoinTransactions() {
    return joinTransactions;
  }

  public void setJoinTransactions(boolean joinTransactions) {
    this.joinTransactions = joinTransactions;
  }

  public Keys getKeys() {
    return keys;
  }

  public Migrate getMigrate() {
    return migrate;
  }

  public Webhook getWebhook() {
    return webhook;
  }

  public Dispatch getDispatch() {
    return dispatch;
  }

  public Analysis getAnalysis() {
    return analysis;
  }

  public Health getHealth() {
    return health;
  }
}
