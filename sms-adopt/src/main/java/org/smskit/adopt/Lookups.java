package org.smskit.adopt;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a batch needs to know about rows of other tables: which parents exist, and when a message was created (its
 * children reference it by (id, created_at)). Adoption asks the target schema; preflight asks the legacy tables.
 */
interface Lookups {
  /** The ids among {@code ids} that exist in {@code targetTable} (a smskit table name). */
  Set<UUID> present(String targetTable, Collection<UUID> ids) throws SQLException;

  /** created_at of the messages among {@code ids} that exist. */
  Map<UUID, Instant> messageTimes(Collection<UUID> ids) throws SQLException;

  /** The accounts among {@code accounts} that already have a primary number. */
  Set<UUID> primaryNumberAccounts(Collection<UUID> accounts) throws SQLException;

  /** The conversation keys among {@code keys} that exist. */
  Set<String> conversationKeys(Collection<String> keys) throws SQLException;
}
