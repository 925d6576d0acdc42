package org.smskit.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable storage for parts of inbound messages that providers deliver in pieces (Vonage concatenated SMS). A
 * provider module depends on sms-core alone, so the host's storage comes in through this port; sms-jooq
 * implements it in the database so that parts survive a restart.
 */
public interface FragmentStore {

  /**
   * Keeps part {@code part} of {@code total} of the message identified by {@code key}; the same part arriving
   * again is ignored. When this call completes the set, returns every part's payload in part order, and the
   * set is consumed: of concurrent or repeated callers, exactly one receives it. Sets not complete by
   * {@code expiresAt} are discarded.
   */
  Optional<List<String>> add(String provider, String key, int part, int total, String payload, Instant expiresAt);
}
