package org.smskit.jooq;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.smskit.core.Nullable;

/**
 * Provider accounts that asked this JVM to slow down (a 429 with {@code Retry-After}): every request to them
 * waits until the instant given, including requests already prepared. Other JVMs learn of it from the account's
 * rate bucket in the database.
 */
final class AccountPauses {
  private record Key(String tenant, UUID accountId) {}

  private final Map<Key, Instant> until = new ConcurrentHashMap<>();

  void pause(String tenant, UUID accountId, Instant end) {
    until.merge(new Key(tenant, accountId), end, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** The end of the account's pause, or null when it is not paused (or the pause is over at some point). */
  @Nullable Instant until(String tenant, UUID accountId) {
    return until.get(new Key(tenant, accountId));
  }
}
