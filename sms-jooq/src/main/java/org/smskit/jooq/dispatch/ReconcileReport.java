package org.smskit.jooq.dispatch;

import java.util.List;
import java.util.UUID;

/**
 * What one reconciliation of held messages did.
 *
 * @param found found at their providers: they took the provider's id and status
 * @param requeued proved never created by their providers (their own lookup said so): queued again
 * @param stillHeld nothing could be concluded (no lookup, an ambiguous or failed one): still held
 */
public record ReconcileReport(List<UUID> found, List<UUID> requeued, List<UUID> stillHeld) {
  public ReconcileReport {
    found = List.copyOf(found);
    requeued = List.copyOf(requeued);
    stillHeld = List.copyOf(stillHeld);
  }
}
