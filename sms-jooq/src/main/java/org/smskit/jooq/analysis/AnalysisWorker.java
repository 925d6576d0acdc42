package org.smskit.jooq.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.analysis.AnalysisException;
import org.smskit.core.analysis.ConversationAnalysis;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.smskit.core.metrics.SmsMetrics.AnalysisOutcome;
import org.smskit.jooq.analysis.AnalysisQueue.Task;
import org.smskit.jooq.analysis.AnalysisQueue.Window;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Worker;

/**
 * Analyses stale conversations in the background, across tenants, never on the send or webhook path. Each round
 * it marks the conversations that got messages since their last analysis (one task each, debounced), leases due
 * tasks with {@code FOR UPDATE SKIP LOCKED}, reads each conversation's recent messages, skips it when the input is
 * the one already analysed (same fingerprint), and otherwise analyses it outside any transaction and stores the
 * result only if it still holds the lease. Several workers (threads or JVMs) never store one conversation's
 * analysis twice for the same input.
 *
 * <p>Created by {@link ConversationAnalytics#worker}. No thread runs until {@link #start()}; {@link #close()}
 * stops it. {@link #runOnce()} does one round on the calling thread (tests, hosts with their own scheduler).
 */
public final class AnalysisWorker implements Worker {
  private static final Logger log = LoggerFactory.getLogger(AnalysisWorker.class);

  private final SmsContext ctx;
  private final Analyzers analyzers;
  private final AnalysisConfig config;
  private final String name = "smskit-analysis-" + UUID.randomUUID().toString().substring(0, 8);
  private final Semaphore stop = new Semaphore(0);
  private @Nullable Thread thread;
  private volatile boolean running;

  AnalysisWorker(SmsContext ctx, Analyzers analyzers, AnalysisConfig config) {
    this.ctx = ctx;
    this.analyzers = analyzers;
    this.config = config;
  }

  /** Starts one daemon thread that runs a round every {@link AnalysisConfig#pollInterval()} (at once while busy). */
  public synchronized AnalysisWorker start() {
    if (running) {
      return this;
    }
    running = true;
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
    log.info("smskit analysis worker {} started", name);
    return this;
  }

  private void loop() {
    while (running) {
      int done = 0;
      try {
        done = runOnce();
      } catch (RuntimeException e) {
        log.warn("smskit analysis worker {} round failed: {}", name, e.toString());
      }
      if (done < config.batchSize()) {
        try {
          if (stop.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops the thread after the conversation in hand is done; waits up to {@code grace}. */
  public void stop(Duration grace) {
    Thread running;
    synchronized (this) {
      this.running = false;
      stop.release();
      running = thread;
      thread = null;
    }
    if (running != null) {
      try {
        running.join(Math.max(1, grace.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
    ctx.workers().remove(this);
  }

  /** New messages do not hurry analysis: the debounce decides when it runs. */
  @Override
  public void wake() {}

  /**
   * One round on the calling thread: marks stale conversations, then claims and analyses one batch of due ones.
   * Returns how many conversations it claimed.
   */
  public int runOnce() {
    Instant now = ctx.now();
    ctx.db().inTransactionAcrossTenants(dsl ->
        new AnalysisQueue(dsl, ctx.schema().schema()).sweep(now, config.debounce(), config.maxDelay()));
    String owner = name + "#" + UUID.randomUUID().toString().substring(0, 8);
    List<Task> tasks = ctx.db().inTransactionAcrossTenants(dsl ->
        new AnalysisQueue(dsl, ctx.schema().schema()).claim(owner, now, config.lease(), config.batchSize()));
    for (Task task : tasks) {
      try {
        process(task, owner);
      } catch (RuntimeException e) {
        log.warn("smskit could not analyse a conversation of tenant {}: {}", task.tenant(), e.toString());
      }
    }
    return tasks.size();
  }

  /** What one analysis needs from the database: the analyzer of the tenant and the conversation's window. */
  private record Input(ConversationAnalyzer analyzer, Optional<Window> window) {}

  private void process(Task task, String owner) {
    Input input = ctx.db().inTransactionAcrossTenants(dsl -> {
      ctx.db().actAs(dsl, TenantId.of(task.tenant()));
      AnalysisQueue queue = new AnalysisQueue(dsl, ctx.schema().schema());
      return new Input(analyzers.forTenant(queue, task.tenant()),
          queue.window(task.tenant(), task.conversationId(), config.windowMessages(), config.windowChars()));
    });
    if (input.window().isEmpty()) {
      return; // the conversation was deleted, and its task with it
    }
    Window window = input.window().get();
    ConversationAnalyzer analyzer = input.analyzer();
    String fingerprint = window.fingerprint(analyzer.fingerprint());
    if (fingerprint.equals(window.storedFingerprint()) || window.messages().isEmpty()) {
      // Nothing new to read (a media-only message, a status change): remember that this input was seen.
      boolean written = write(task, owner, queue -> {
        queue.store(task.tenant(), task.conversationId(), window, fingerprint, null, ctx.now());
        queue.finish(task, owner, window.lastMessageAt());
        queue.audit(task.tenant(), task.conversationId(), analyzer.name(), null, "unchanged", null, 0,
            window.messages().size());
      });
      counted(analyzer, written ? AnalysisOutcome.UNCHANGED : AnalysisOutcome.DROPPED, 0);
      return;
    }
    long start = System.nanoTime();
    ConversationAnalysis analysis;
    try {
      analysis = Analysis.run(analyzer, task.conversationId(), window);
    } catch (AnalysisException e) {
      long tookNanos = System.nanoTime() - start;
      long took = tookNanos / 1_000_000;
      boolean again = e.retryable() && task.attempt() < config.maxAttempts();
      Duration wait = e.retryAfter() != null ? e.retryAfter()
          : config.retryBackoff().multipliedBy(1L << Math.min(20, task.attempt() - 1));
      write(task, owner, queue -> {
        if (again) {
          queue.retry(task, owner, ctx.now().plus(wait), e.code());
        } else {
          queue.giveUp(task, owner, window.lastMessageAt());
        }
        queue.audit(task.tenant(), task.conversationId(), analyzer.name(), null, "failed", e.code(), took,
            window.messages().size());
      });
      // Counted whether or not the lease was kept: the analyzer did fail.
      counted(analyzer, AnalysisOutcome.FAILED, tookNanos);
      log.info("smskit analysis of a conversation of tenant {} failed ({}){}", task.tenant(), e.code(),
          again ? ", retried in " + wait : "");
      return;
    }
    long tookNanos = System.nanoTime() - start;
    long took = tookNanos / 1_000_000;
    boolean written = write(task, owner, queue -> {
      queue.store(task.tenant(), task.conversationId(), window, fingerprint, analysis, ctx.now());
      queue.finish(task, owner, window.lastMessageAt());
      queue.audit(task.tenant(), task.conversationId(), analyzer.name(), analysis, Analysis.outcome(analysis), null,
          took, window.messages().size());
    });
    counted(analyzer, written ? AnalysisOutcome.UPDATED : AnalysisOutcome.DROPPED, tookNanos);
  }

  /** Counted after the write committed (these transactions never join the host's). */
  private void counted(ConversationAnalyzer analyzer, AnalysisOutcome outcome, long nanos) {
    ctx.metrics().analysisRun(analyzer.name(), outcome, nanos);
  }

  /**
   * Runs {@code work} in one transaction if {@code owner} still holds the task; drops it otherwise. True when it
   * was written.
   */
  private boolean write(Task task, String owner, java.util.function.Consumer<AnalysisQueue> work) {
    boolean written = ctx.db().inTransactionAcrossTenants(dsl -> {
      ctx.db().actAs(dsl, TenantId.of(task.tenant()));
      AnalysisQueue queue = new AnalysisQueue(dsl, ctx.schema().schema());
      if (!queue.stillOwned(task, owner)) {
        return false;
      }
      work.accept(queue);
      return true;
    });
    if (!written) {
      log.info("smskit dropped an analysis of a conversation of tenant {}: its lease passed to another worker",
          task.tenant());
    }
    return written;
  }
}
