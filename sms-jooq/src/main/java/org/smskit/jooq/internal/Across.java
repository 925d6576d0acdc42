package org.smskit.jooq.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.smskit.core.TenantId;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.repository.SmsDatabase;

/**
 * One transaction that is not confined to a tenant (dispatch works on many tenants' messages at once): each
 * tenant's repositories come from {@link #tenant}, and the events of all of them are published once it committed.
 * Internal to smskit.
 */
public final class Across {
  private final DSLContext dsl;
  private final SmsDatabase db;
  private final List<SmsEvent> events;
  private final List<Runnable> onCommit;
  private final Map<String, Tx> tenants = new HashMap<>();
  private String actingFor;

  Across(DSLContext dsl, SmsDatabase db, List<SmsEvent> events, List<Runnable> onCommit) {
    this.dsl = dsl;
    this.db = db;
    this.events = events;
    this.onCommit = onCommit;
  }

  /** The transaction's jOOQ context; queries through it must name the tenant wherever they touch a tenant's rows. */
  public DSLContext dsl() {
    return dsl;
  }

  /**
   * The repositories of {@code tenant} in this transaction; from here on the transaction acts for it (under row
   * level security, the tenant its triggers and policies see).
   */
  public Tx tenant(String tenant) {
    Tx tx = tenants.computeIfAbsent(tenant, t -> {
      TenantId id = TenantId.of(t);
      return new Tx(db.repositories(dsl, id), events, id, onCommit);
    });
    if (!tenant.equals(actingFor)) {
      db.actAs(dsl, tx.tenant());
      actingFor = tenant;
    }
    return tx;
  }
}
