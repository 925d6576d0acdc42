package org.smskit.core;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One page of a keyset-paged listing. Pass {@link #next()} back in a {@link PageRequest} for the following
 * page; it is empty on the last page. Cursors are opaque and stable under concurrent inserts.
 */
public record Page<T>(List<T> items, Optional<String> next) {
  public Page {
    items = List.copyOf(requireNonNull(items, "items"));
    requireNonNull(next, "next");
  }

  public boolean hasNext() {
    return next.isPresent();
  }
}
