package org.smskit.jooq.internal;

/** Something a service started that works in the background (a dispatcher): woken by new work, closed with it. */
public interface Worker extends AutoCloseable {
  /** Work arrived. */
  void wake();

  @Override
  void close();
}
