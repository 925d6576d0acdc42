package org.smskit.jooq.event;

/**
 * Receives {@link SmsEvent}s after their transaction committed, on the thread that did the work. A listener
 * that throws is logged and skipped: it never undoes or blocks the write, nor stops the other listeners. Keep
 * listeners quick; hand slow work to the host's own executor.
 */
@FunctionalInterface
public interface SmsListener {
  void onEvent(SmsEvent event);
}
