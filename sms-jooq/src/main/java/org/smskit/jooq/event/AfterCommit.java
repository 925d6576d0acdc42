package org.smskit.jooq.event;

/**
 * How smskit defers to the host's transaction what must wait for its commit, when smskit's work joined that
 * transaction (a thread-bound data source, or {@code SmsService.joining}): telling the listeners, and waking the
 * dispatcher for the messages queued. The host implements it over its transaction manager; with Spring, for example:
 *
 * <pre>{@code
 * AfterCommit spring = action -> TransactionSynchronizationManager.registerSynchronization(
 *     new TransactionSynchronization() {
 *       public void afterCommit() { action.run(); }
 *     });
 * }</pre>
 *
 * <p>Work smskit ran in its own transaction never goes through it: its actions run as that transaction commits.
 */
@FunctionalInterface
public interface AfterCommit {
  /**
   * Runs {@code action} once the host's transaction in progress (on the calling thread, or the one of the
   * connection handed to smskit) has committed, and never if it rolls back. The action does not throw (a listener
   * that throws is logged). Listeners run inside it: where the host's connection is still bound at that point (as in
   * Spring's {@code afterCommit}), a listener's own database work needs a transaction of its own.
   */
  void afterCommit(Runnable action);

  /**
   * The default when the host gives none: the action runs at once, when smskit's part of the host's transaction
   * ends, so listeners hear of writes before the host commits them, and also of writes the host then rolls back.
   */
  AfterCommit IMMEDIATELY = Runnable::run;
}
