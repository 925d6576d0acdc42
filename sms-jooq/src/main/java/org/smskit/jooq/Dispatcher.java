package org.smskit.jooq;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.smskit.core.TenantId;
import org.smskit.core.phone.NumberType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.PhoneNumbers;
import org.smskit.jooq.repository.DispatchQueue;
import org.smskit.jooq.repository.DispatchQueue.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued messages to their providers in the background, at most as fast as each sender number and
 * provider account allows, across all tenants. Several dispatchers (threads, or JVMs on one database) never
 * send one message twice: claims use {@code FOR UPDATE SKIP LOCKED} under a lease, and a message whose earlier
 * attempt was interrupted follows {@link DispatcherConfig#unknownOutcome()}.
 *
 * <p>Created by {@link SmsService#dispatcher(DispatcherConfig)}. No thread runs until {@link #start()};
 * {@link #close()} stops them, letting sends in flight finish. {@link #runOnce()} does one claim on the calling
 * thread (for tests and for hosts with their own scheduler). Idle workers poll with a backoff that doubles up to
 * {@link DispatcherConfig#maxPollInterval()}, and a message queued through the same service wakes them at once; a
 * message that becomes due before the next poll (a rate limit lets it go, its retry comes round) is fetched on
 * time.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final int LOWEST_PRIORITY = 2;

  private final SmsService service;
  private final DispatcherConfig config;
  private final String name;
  private final Semaphore wakeUps = new Semaphore(0);
  private final DispatchQueue.RatePolicy rates;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  Dispatcher(SmsService service, DispatcherConfig config) {
    this.service = service;
    this.config = config;
    this.name = "smskit-dispatcher-" + UUID.randomUUID().toString().substring(0, 8);
    this.rates = new Rates(config, service.core().phones());
  }

  /** Starts {@link DispatcherConfig#workers()} threads. */
  public synchronized Dispatcher start() {
    if (running) {
      return this;
    }
    running = true;
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

  /** Stops the workers after the messages they hold are dealt with; waits up to {@code grace}. */
  public synchronized void stop(Duration grace) {
    running = false;
    wakeUps.release(threads.size());
    long deadline = System.nanoTime() + grace.toNanos();
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    threads.clear();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
    service.core().dispatchers().remove(this);
  }

  public boolean running() {
    return running;
  }

  /** Tells idle workers that work arrived. */
  void wake() {
    if (running && wakeUps.availablePermits() < threads.size()) {
      wakeUps.release();
    }
  }

  /** Claims one batch and sends it on the calling thread; returns how many messages were handed to providers. */
  public int runOnce() {
    return runOnce(name + "-caller").leases().size();
  }

  private DispatchQueue.Claim runOnce(String worker) {
    Instant now = service.now();
    DispatchQueue.Claim claim = service.core().db().inTransactionAcrossTenants(dsl -> DispatchQueue.across(dsl)
        .claimBatch(worker, config.batchSize(), config.lease(), now, LOWEST_PRIORITY, rates));
    for (Lease lease : claim.leases()) {
      try {
        Delivery.process(service.forTenant(TenantId.of(lease.tenant())), lease, config, worker);
      } catch (RuntimeException e) {
        // The lease stays; when it expires the message is taken over (and held if it was already sending).
        log.warn("smskit dispatcher {} could not deliver {}: {}", worker, lease.messageId(), e.toString());
      }
    }
    return claim;
  }

  private void loop(String worker) {
    Duration idle = config.pollInterval();
    while (running) {
      DispatchQueue.Claim claim;
      try {
        claim = runOnce(worker);
      } catch (RuntimeException e) {
        log.warn("smskit dispatcher {} claim failed (will retry): {}", worker, e.toString());
        claim = new DispatchQueue.Claim(List.of(), null);
      }
      if (!claim.leases().isEmpty()) {
        idle = config.pollInterval();
        continue;
      }
      // A message due before the next poll (a rate limit lets it go, a retry comes round) is fetched on time,
      // rather than after a backoff that would stretch a 1/s sender to one message every 1.5 s or more.
      // (A row already due that could not be claimed, locked by another claim say, is no reason to spin.)
      Duration untilDue = claim.nextDue() == null ? null : Duration.between(service.now(), claim.nextDue());
      boolean dueSoon = untilDue != null && untilDue.compareTo(Duration.ZERO) > 0 && untilDue.compareTo(idle) < 0;
      Duration wait = dueSoon ? untilDue : idle;
      try {
        wakeUps.tryAcquire(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait.toNanos() + 999_999)),
            TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!dueSoon) {
        idle = idle.multipliedBy(2).compareTo(config.maxPollInterval()) > 0 ? config.maxPollInterval()
            : idle.multipliedBy(2);
      }
    }
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
