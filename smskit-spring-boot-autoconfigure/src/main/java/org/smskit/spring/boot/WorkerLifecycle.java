package org.smskit.spring.boot;

import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.context.SmartLifecycle;

/**
 * A background worker of smskit (the dispatcher, the analysis worker) started with the application context and
 * stopped when it closes: lifecycle beans stop before singletons are destroyed, so messages in flight are dealt
 * with while the DataSource is still open.
 */
final class WorkerLifecycle implements SmartLifecycle {
  private final String name;
  private final Runnable start;
  private final Consumer<Duration> stop;
  private final Duration grace;
  private volatile boolean running;

  WorkerLifecycle(String name, Runnable start, Consumer<Duration> stop, Duration grace) {
    this.name = name;
    this.start = start;
    this.stop = stop;
    this.grace = grace;
  }

  @Override
  public synchronized void start() {
    if (!running) {
      start.run();
      running = true;
    }
  }

  @Override
  public synchronized void stop() {
    if (running) {
      running = false;
      stop.accept(grace);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public String toString() {
    return "smskit " + name;
  }
}
