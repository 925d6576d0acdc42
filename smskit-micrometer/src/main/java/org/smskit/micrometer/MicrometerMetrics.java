package org.smskit.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.smskit.core.Nullable;
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.model.MessageType;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;

/**
 * smskit's events as Micrometer meters, for {@code SmsService.Builder.metrics}. Every meter and tag is listed in
 * this module's README; tag values are bounded (provider and analyzer names, lower-case enum names), never an id, a
 * phone number or text. Meters are registered on first use and cached, so that an event after the first of its
 * kind is a lookup and an increment.
 *
 * <pre>{@code
 * SmsService sms = SmsService.builder(dataSource, keys)
 *     .metrics(new MicrometerMetrics(registry))
 *     .build();
 * new SmsGauges(sms).bindTo(registry);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class MicrometerMetrics implements SmsMetrics {
  static final String PROVIDER_REQUESTS = "smskit.provider.requests";
  static final String MESSAGES_QUEUED = "smskit.messages.queued";
  static final String MESSAGES_RECEIVED = "smskit.messages.received";
  static final String WEBHOOKS = "smskit.webhooks.received";
  static final String DELIVERY_STATUS = "smskit.delivery.status";
  static final String RATE_LIMIT_WAIT = "smskit.ratelimit.wait";
  static final String DISPATCH_LATENCY = "smskit.dispatch.latency";
  static final String ANALYSIS_RUNS = "smskit.analysis.runs";

  private static final Operation[] OPERATIONS = Operation.values();
  private static final RequestOutcome[] REQUEST_OUTCOMES = RequestOutcome.values();
  private static final ProviderException.Kind[] KINDS = ProviderException.Kind.values();
  private static final MessageType[] TYPES = MessageType.values();
  private static final WebhookKind[] WEBHOOK_KINDS = WebhookKind.values();
  private static final WebhookResult[] WEBHOOK_RESULTS = WebhookResult.values();
  private static final MessageStatus[] STATUSES = MessageStatus.values();
  private static final AnalysisOutcome[] ANALYSIS_OUTCOMES = AnalysisOutcome.values();

  private final MeterRegistry registry;
  private final MeterTable<Timer> requests;
  private final MeterTable<Counter> queued;
  private final MeterTable<Counter> received;
  private final MeterTable<Counter> webhooks;
  private final MeterTable<Counter> statuses;
  private final Timer[] waits;
  private final MeterTable<Timer> latency;
  private final MeterTable<Timer> analyses;

  /** Meters in {@code registry}; the rate-limit timers are registered now, the others with their first event. */
  public MicrometerMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    int errors = KINDS.length + 1; // "none", then each kind
    this.requests = new MeterTable<>(OPERATIONS.length * REQUEST_OUTCOMES.length * errors, (provider, column) -> {
      int error = column % errors;
      int outcome = column / errors % REQUEST_OUTCOMES.length;
      int operation = column / errors / REQUEST_OUTCOMES.length;
      return Timer.builder(PROVIDER_REQUESTS)
          .description("Requests to SMS providers")
          .tag("provider", provider)
          .tag("operation", MeterTable.tagValue(OPERATIONS[operation]))
          .tag("outcome", MeterTable.tagValue(REQUEST_OUTCOMES[outcome]))
          .tag("error", error == 0 ? "none" : MeterTable.tagValue(KINDS[error - 1]))
          .register(registry);
    });
    this.queued = new MeterTable<>(TYPES.length, (provider, column) -> Counter.builder(MESSAGES_QUEUED)
        .description("Outbound messages queued")
        .tag("provider", provider)
        .tag("type", MeterTable.tagValue(TYPES[column]))
        .register(registry));
    this.received = new MeterTable<>(TYPES.length, (provider, column) -> Counter.builder(MESSAGES_RECEIVED)
        .description("Inbound messages stored (once each, however often delivered)")
        .tag("provider", provider)
        .tag("type", MeterTable.tagValue(TYPES[column]))
        .register(registry));
    this.webhooks = new MeterTable<>(WEBHOOK_KINDS.length * WEBHOOK_RESULTS.length, (provider, column) ->
        Counter.builder(WEBHOOKS)
            .description("Provider webhooks handled or refused")
            .tag("provider", provider)
            .tag("kind", MeterTable.tagValue(WEBHOOK_KINDS[column / WEBHOOK_RESULTS.length]))
            .tag("outcome", MeterTable.tagValue(WEBHOOK_RESULTS[column % WEBHOOK_RESULTS.length]))
            .register(registry));
    this.statuses = new MeterTable<>(STATUSES.length, (provider, column) -> Counter.builder(DELIVERY_STATUS)
        .description("Status reports that moved an outbound message")
        .tag("provider", provider)
        .tag("status", MeterTable.tagValue(STATUSES[column]))
        .register(registry));
    WaitScope[] scopes = WaitScope.values();
    this.waits = new Timer[scopes.length];
    for (WaitScope scope : scopes) {
      waits[scope.ordinal()] = Timer.builder(RATE_LIMIT_WAIT)
          .description("Due messages postponed by a rate limit, and by how long")
          .tag("scope", MeterTable.tagValue(scope))
          .register(registry);
    }
    this.latency = new MeterTable<>(1, (provider, column) -> Timer.builder(DISPATCH_LATENCY)
        .description("From queuing to the provider's acceptance, retries included (scheduled messages excluded)")
        .tag("provider", provider)
        .register(registry));
    this.analyses = new MeterTable<>(ANALYSIS_OUTCOMES.length, (analyzer, column) -> Timer.builder(ANALYSIS_RUNS)
        .description("Conversation analyses, and the analyzer's time")
        .tag("analyzer", analyzer)
        .tag("outcome", MeterTable.tagValue(ANALYSIS_OUTCOMES[column]))
        .register(registry));
  }

  /** The registry the meters are in. */
  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void providerRequest(String provider, Operation operation, RequestOutcome outcome,
      @Nullable ProviderException.Kind error, long durationNanos) {
    int column = (operation.ordinal() * REQUEST_OUTCOMES.length + outcome.ordinal()) * (KINDS.length + 1)
        + (error == null ? 0 : error.ordinal() + 1);
    requests.get(provider, column).record(Math.max(0, durationNanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void messagesQueued(String provider, MessageType type, int count) {
    if (count > 0) {
      queued.get(provider, type.ordinal()).increment(count);
    }
  }

  @Override
  public void messageReceived(String provider, MessageType type) {
    received.get(provider, type.ordinal()).increment();
  }

  @Override
  public void webhookHandled(String provider, WebhookKind kind, WebhookResult result) {
    webhooks.get(provider, kind.ordinal() * WEBHOOK_RESULTS.length + result.ordinal()).increment();
  }

  @Override
  public void deliveryStatus(String provider, MessageStatus status) {
    statuses.get(provider, status.ordinal()).increment();
  }

  @Override
  public void rateLimitWait(WaitScope scope, long waitNanos) {
    waits[scope.ordinal()].record(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void dispatchLatency(String provider, long latencyNanos) {
    latency.get(provider, 0).record(Math.max(0, latencyNanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void analysisRun(String analyzer, AnalysisOutcome outcome, long durationNanos) {
    analyses.get(analyzer, outcome.ordinal()).record(Math.max(0, durationNanos), TimeUnit.NANOSECONDS);
  }
}
