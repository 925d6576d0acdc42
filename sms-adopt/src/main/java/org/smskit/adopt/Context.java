package org.smskit.adopt;

import java.sql.Connection;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.SecretCipher;

/** What conversions of one run share; {@link #writes} is null in preflight, which writes nothing. */
final class Context {
  final TenantId tenant;
  final LegacyTimestamps timestamps;
  final LegacyPhones phones;
  final @Nullable SecretCipher cipher;
  /** The fill of NOT NULL timestamps that have no value: the first run's start, the same on every rerun. */
  final Instant startedAt;
  final Lookups lookups;
  final @Nullable Connection writes;
  /** Quoted names of the smskit schema and of the adoption's own schema (progress, residue). */
  final String targetSchema;
  final String adoptionSchema;
  /** Counters a run reports (synthesised conversations, encrypted tokens, ...). */
  final Map<String, Long> counters = new HashMap<>();

  Context(TenantId tenant, LegacyTimestamps timestamps, LegacyPhones phones, @Nullable SecretCipher cipher,
      Instant startedAt, Lookups lookups, @Nullable Connection writes, String targetSchema, String adoptionSchema) {
    this.tenant = tenant;
    this.timestamps = timestamps;
    this.phones = phones;
    this.cipher = cipher;
    this.startedAt = startedAt;
    this.lookups = lookups;
    this.writes = writes;
    this.targetSchema = targetSchema;
    this.adoptionSchema = adoptionSchema;
  }

  void count(String counter, long n) {
    counters.merge(counter, n, Long::sum);
  }
}
