package org.smskit.vonage;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.smskit.core.spi.FragmentStore;

/**
 * A {@link FragmentStore} in memory for tests: thread-safe (one lock), idempotent per part, hands a complete set to
 * exactly one caller and forgets it, drops sets whose expiry has passed by {@code clock}.
 */
final class InMemoryFragmentStore implements FragmentStore {
  private record Set(int total, Instant expiresAt, TreeMap<Integer, String> parts) {}

  private final Clock clock;
  private final Map<String, Set> sets = new HashMap<>();
  private final List<String> calls = new ArrayList<>();

  InMemoryFragmentStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Optional<List<String>> add(String provider, String key, int part, int total, String payload,
      Instant expiresAt) {
    calls.add(provider + "|" + key + "|" + part + "/" + total + "|" + expiresAt);
    String id = provider + "\u0000" + key;
    Instant now = clock.instant();
    sets.values().removeIf(s -> !s.expiresAt().isAfter(now));
    Set set = sets.computeIfAbsent(id, k -> new Set(total, expiresAt, new TreeMap<>()));
    set.parts().putIfAbsent(part, payload);
    if (set.parts().size() < set.total()) {
      return Optional.empty();
    }
    sets.remove(id);
    return Optional.of(List.copyOf(set.parts().values()));
  }

  /** Every add, as {@code provider|key|part/total|expiresAt}. */
  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  synchronized int openSets() {
    return sets.size();
  }
}
