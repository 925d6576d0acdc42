package org.smskit.jooq.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.phone.NumberType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.PhoneNumbers;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Worker;
import org.smskit.jooq.optout.OptOutPolicy;
import org.smskit.jooq.schema.SmsSchema;
import org.smskit.jooq.sending.QuietHours;

/**
 * Delivers queued messages to their providers in the background, at most as fast as each sender number and
 * provider account allows, across all tenants. Several dispatchers (threads, or JVMs on one database) never
 * send one message twice: claims use {@code FOR UPDATE SKIP LOCKED} under a lease, and a message whose earlier
 * attempt was interrupted follows {@link DispatcherConfig#unknownOutcome()}.
 *
 * <p>Created by {@code SmsService.dispatcher(DispatcherConfig)}. No thread runs until {@link #start()};
 * {@link #close()} stops them, letting sends in flight finish. {@link #runOnce()} does one claim on the calling
 * thread (for tests and for hosts with their own scheduler). Idle workers poll with a backoff that doubles up to
 * {@link DispatcherConfig#maxPollInterval()}, and a message queued through the same service wakes them at once; a
 * message that becomes due before the next poll (a rate limit lets it go, its retry comes round) is fetched on
 * time.
 */
public final class Dispatcher implements Worker {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final int LOWEST_PRIORITY = 2;

  /** How long messages wait while another message probes a half-open circuit. */
  public static final Duration PROBE_WAIT = Duration.ofSeconds(1);

  private final SmsContext ctx;
  private final Reconciler reconciler;
  private final DispatcherConfig config;
  private final String name;
  private final Semaphore wakeUps = new Semaphore(0);
  private final DispatchQueue.RatePolicy rates;
  private final Delivery delivery;
  private final Set<Batch> active = ConcurrentHashMap.newKeySet();
  private final AtomicLong claims = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Thread> poolThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private @Nullable ExecutorService senders;
  private @Nullable ScheduledExecutorService upkeep;
  private volatile boolean running;

  Dispatcher(SmsContext ctx, DispatcherConfig config, @Nullable QuietHours quietHours, OptOutPolicy optOuts) {
    this.ctx = ctx;
    this.reconciler = new Reconciler(ctx);
    this.config = config;
    this.name = "smskit-dispatcher-" + UUID.randomUUID().toString().substring(0, 8);
    this.rates = new Rates(config, ctx.phones());
    this.delivery = new Delivery(ctx, config, rates, config.backoff(), quietHours, optOuts);
  }

  /**
   * Starts {@link DispatcherConfig#workers()} threads that claim and send, a pool that makes the requests of each
   * claimed batch at once (so that every request leaves when its rate slot is taken), and one upkeep thread that
   * renews the leases of messages in flight every third of a lease, creates the next months' partitions of {@code
   * sms_messages} at start and daily (and reconciles held messages when {@link DispatcherConfig#reconcileInterval()}
   * is set).
   */
  public synchronized Dispatcher start() {
    if (running) {
      return this;
    }
    running = true;
    AtomicLong sender = new AtomicLong();
    // At most workers x batchSize requests are in flight; idle threads go after a minute.
    senders = Executors.newCachedThreadPool(daemon(() -> name + "-send-" + sender.incrementAndGet()));
    upkeep = Executors.newSingleThreadScheduledExecutor(daemon(() -> name + "-upkeep"));
    long heartbeat = Math.max(1, config.lease().toMillis() / 3);
    upkeep.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    if (config.reconcileInterval() != null) {
      long every = config.reconcileInterval().toMillis();
      upkeep.scheduleWithFixedDelay(this::reconcileQuietly, every, every, TimeUnit.MILLISECONDS);
    }
    // Next months' partitions of sms_messages, now and daily, so that a node that never restarts still has them.
    upkeep.scheduleWithFixedDelay(this::ensurePartitionsQuietly, 0, 1, TimeUnit.DAYS);
    for (int i = 0; i < config.workers(); i++) {
      String worker = name + "-" + i;
      Thread thread = new Thread(() -> loop(worker), worker);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    log.info("smskit dispatcher {} started with {} workers", name, config.workers());
    return this;
  }

  /** Daemon threads for the pools, remembered so that {@link #stop} can wait until they have ended. */
  private ThreadFactory daemon(java.util.function.Supplier<String> names) {
    return runnable -> {
      Thread thread = new Thread(runnable, names.get());
      thread.setDaemon(true);
      poolThreads.removeIf(t -> t.getState() == Thread.State.TERMINATED); // idle senders end after a minute
      poolThreads.add(thread);
      return thread;
    };
  }

  /** Stops the workers after the messages they hold are dealt with; waits up to {@code grace}. */
  public synchronized void stop(Duration grace) {
    running = false;
    wakeUps.release(threads.size());
    long deadline = System.nanoTime() + grace.toNanos();
    joinAll(threads, deadline);
    threads.clear();
    for (ExecutorService pool : java.util.Arrays.asList(senders, upkeep)) {
      if (pool == null) {
        continue;
      }
      pool.shutdown(); // workers have waited for their requests; nothing is left but idle threads
      try {
        pool.awaitTermination(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
            TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A terminated pool's last thread may still be on its way out: wait for it, so that none outlives stop().
    joinAll(poolThreads, deadline);
    poolThreads.removeIf(t -> !t.isAlive());
    senders = null;
    upkeep = null;
  }

  /** Waits for each thread to end, until {@code deadline} ({@link System#nanoTime}) at the latest. */
  private static void joinAll(List<Thread> all, long deadline) {
    for (Thread thread : all) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
    ctx.workers().remove(this);
  }

  public boolean running() {
    return running;
  }

  /** Tells idle workers that work arrived. */
  @Override
  public void wake() {
    if (running && wakeUps.availablePermits() < threads.size()) {
      wakeUps.release();
    }
  }

  /**
   * Claims one batch and sends it on the calling thread (one request after the other); returns how many
   * messages were claimed. Without {@link #start()} no heartbeat runs: a lease is renewed before a request when
   * half of it is gone, so the lease must outlast the provider's longest call (its timeouts).
   */
  public int runOnce() {
    return runOnce(name + "-caller", null).leases().size();
  }

  private DispatchQueue.Claim runOnce(String worker, @Nullable ExecutorService pool) {
    Instant now = ctx.now();
    Batch batch = new Batch(worker, worker + "#" + claims.incrementAndGet(),
        now.plus(config.lease()));
    active.add(batch);
    try {
      DispatchQueue.Claim claim = ctx.db().inTransactionAcrossTenants(dsl -> DispatchQueue.across(dsl)
          .claimBatch(batch.owner, config.batchSize(), config.lease(), now, LOWEST_PRIORITY, rates));
      // Counted once the claim committed: each message it deferred for a rate limit.
      claim.waits().forEach(w -> ctx.metrics().rateLimitWait(w.scope(), w.nanos()));
      try {
        delivery.deliver(batch, claim.leases(), pool);
      } catch (RuntimeException e) {
        // A failed prepare gave its leases back; after a failed outcome write the leases stay, and when they
        // expire the messages are taken over (and held: their requests may have left).
        log.warn("smskit dispatcher {} could not deliver {} messages: {}", worker, claim.leases().size(),
            e.toString());
      }
      return claim;
    } finally {
      active.remove(batch);
    }
  }

  /** Renews the leases of every batch in flight, so that a slow provider never lets one run out. */
  private void heartbeat() {
    List<Batch> batches = List.copyOf(active);
    if (batches.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    Instant until = ctx.now().plus(config.lease());
    try {
      Map<String, Set<UUID>> owned = ctx.db().inTransactionAcrossTenants(dsl -> DispatchQueue
          .across(dsl).extendLeases(batches.stream().map(b -> b.owner).toList(), until));
      for (Batch batch : batches) {
        batch.renewed(started, until, owned.getOrDefault(batch.owner, Set.of()));
      }
    } catch (RuntimeException e) {
      log.warn("smskit dispatcher {} could not renew its leases: {}", name, e.toString());
    }
  }

  private void ensurePartitionsQuietly() {
    try {
      int made = ctx.db().inTransactionAcrossTenants(dsl -> DispatchQueue.across(dsl)
          .ensurePartitions(ctx.schema().schema(), SmsSchema.MONTHS_AHEAD));
      if (made > 0) {
        log.info("smskit dispatcher {} created {} message partition(s)", name, made);
      }
    } catch (RuntimeException e) {
      log.warn("smskit dispatcher {} could not create the next message partitions: {}", name, e.toString());
    }
  }

  private void reconcileQuietly() {
    try {
      reconciler.reconcile(null, 100);
    } catch (RuntimeException e) {
      log.warn("smskit dispatcher {} could not reconcile held messages: {}", name, e.toString());
    }
  }

  private void loop(String worker) {
    Duration idle = config.pollInterval();
    while (running) {
      DispatchQueue.Claim claim;
      try {
        claim = runOnce(worker, senders);
      } catch (RuntimeException e) {
        log.warn("smskit dispatcher {} claim failed (will retry): {}", worker, e.toString());
        claim = new DispatchQueue.Claim(List.of(), null);
      }
      if (!claim.leases().isEmpty()) {
        idle = config.pollInterval();
        continue;
      }
      Duration untilDue = claim.nextDue() == null ? null : Duration.between(ctx.now(), claim.nextDue());
      Idle next = idle(idle, untilDue, config);
      try {
        wakeUps.tryAcquire(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.pause().toNanos() + 999_999)),
            TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      idle = next.idle();
    }
  }

  /** How long an idle worker waits now, and its idle interval afterwards. */
  record Idle(Duration pause, Duration idle) {}

  /**
   * The idle policy after a claim that got nothing: wait the idle interval, doubling it up to the longest poll
   * interval; but a message due before then (a rate limit lets it go, a retry comes round) is fetched on time,
   * rather than after a backoff that would stretch a 1/s sender to one message every 1.5 s or more, and without
   * growing the interval. {@code untilDue} only counts rows that were not due when the claim began (a row already
   * due that could not be claimed, locked by another claim say, is no reason to spin); one that fell due during
   * the claim (negative) is fetched at once.
   */
  static Idle idle(Duration idle, @Nullable Duration untilDue, DispatcherConfig config) {
    if (untilDue != null && untilDue.compareTo(idle) < 0) {
      return new Idle(untilDue.isNegative() ? Duration.ZERO : untilDue, idle);
    }
    Duration doubled = idle.multipliedBy(2);
    return new Idle(idle, doubled.compareTo(config.maxPollInterval()) > 0 ? config.maxPollInterval() : doubled);
  }

  /** Rates from the configuration: per-number overrides, toll-free or long code; per-account or per-provider. */
  private static final class Rates implements DispatchQueue.RatePolicy {
    private final DispatcherConfig config;
    private final PhoneNumbers phones;
    private final Map<UUID, Double> numberRates = new ConcurrentHashMap<>();

    Rates(DispatcherConfig config, PhoneNumbers phones) {
      this.config = config;
      this.phones = phones;
    }

    @Override
    public double numberRate(UUID numberId, PhoneNumber number) {
      Double override = config.numberRateOverrides().get(numberId);
      if (override != null) {
        return override;
      }
      return numberRates.computeIfAbsent(numberId, id -> {
        try {
          return phones.details(number).type() == NumberType.TOLL_FREE ? config.tollFreeRate() : config.longCodeRate();
        } catch (RuntimeException e) {
          return config.longCodeRate();
        }
      });
    }

    @Override
    public Duration accountBurst() {
      return config.accountBurst();
    }

    @Override
    public double accountRate(UUID accountId, String provider) {
      Double override = config.accountRateOverrides().get(accountId);
      return override != null ? override : config.accountRates().getOrDefault(provider, 0.0);
    }
  }
}
