package org.smskit.core;

import java.util.Optional;

/**
 * Asks for up to {@code limit} rows after {@code after} (a cursor from a previous {@link Page}, or empty for
 * the first page).
 */
public record PageRequest(int limit, Optional<String> after) {
  /** The most rows one page may ask for. */
  public static final int MAX_LIMIT = 1000;

  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT);
    }
    after = after == null ? Optional.empty() : after;
  }

  public static PageRequest first(int limit) {
    return new PageRequest(limit, Optional.empty());
  }

  public static PageRequest after(String cursor, int limit) {
    return new PageRequest(limit, Optional.of(cursor));
  }
}
