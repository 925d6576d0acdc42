package org.smskit.jooq.internal;

import java.util.List;
import org.smskit.core.TenantId;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.repository.Repositories;

/**
 * One transaction of one tenant: its repositories, the events to publish once it commits, and what to run then
 * ({@code onCommit}: counting metrics, so that work rolled back is never counted). Internal to smskit.
 */
public record Tx(Repositories r, List<SmsEvent> events, TenantId tenant, List<Runnable> onCommit) {
  /** Runs {@code action} once this transaction committed (after the host's commit, when it joined the host's). */
  public void onCommit(Runnable action) {
    onCommit.add(action);
  }
}
