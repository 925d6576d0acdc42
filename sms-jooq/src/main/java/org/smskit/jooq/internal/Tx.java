package org.smskit.jooq.internal;

import java.util.List;
import org.smskit.core.TenantId;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.repository.Repositories;

/**
 * One transaction of one tenant: its repositories, and the events to publish once it commits. Internal to smskit.
 */
public record Tx(Repositories r, List<SmsEvent> events, TenantId tenant) {}
