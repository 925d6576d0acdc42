package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_MESSAGES;
import static org.smskit.jooq.generated.Tables.SMS_SERVICE_ACCOUNTS;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.smskit.core.Nullable;

/**
 * The delivery reports' one query: a tenant's outbound messages queued in a time range, counted per group, status,
 * failure reason and currency (a few rows per group, folded by the caller).
 */
public final class DeliveryReportRepository {
  private final DSLContext dsl;
  private final String tenant;

  DeliveryReportRepository(DSLContext dsl, String tenant) {
    this.dsl = dsl;
    this.tenant = tenant;
  }

  /** What the messages are grouped by (see {@code reporting.DeliveryDimension}). */
  public enum GroupBy { SERVICE, CAMPAIGN, SENDER_NUMBER, DAY }

  /**
   * One group's messages of one status, failure reason and currency.
   *
   * @param reason the provider's error code of failed and undelivered messages ({@code unknown} when none); else
   *     null
   * @param cost the sum of their prices in {@code currency}; null when none has a price
   */
  public record Row(@Nullable String key, @Nullable String label, String status, @Nullable String reason,
      @Nullable String currency, long messages, long segments, @Nullable BigDecimal cost, long priced) {}

  public List<Row> rows(GroupBy by, Instant from, Instant to, ZoneId zone) {
    var m = SMS_MESSAGES;
    var s = SMS_SERVICE_ACCOUNTS;
    Field<String> key;
    Field<String> label = DSL.inline(null, SQLDataType.VARCHAR);
    boolean services = false;
    switch (by) {
      case SERVICE -> {
        key = m.SERVICE_ACCOUNT_ID.cast(SQLDataType.VARCHAR);
        label = s.SERVICE_NAME;
        services = true;
      }
      case CAMPAIGN -> {
        key = s.LINKED_CAMPAIGN_ID.cast(SQLDataType.VARCHAR);
        services = true;
      }
      case SENDER_NUMBER -> {
        key = m.SENDER_PHONE_NUMBER_ID.cast(SQLDataType.VARCHAR);
        label = m.FROM_NUMBER;
      }
      case DAY -> key = day(m.CREATED_AT, zone);
      default -> throw new IllegalArgumentException(by.name());
    }
    Field<String> reason = DSL.when(m.STATUS.in("failed", "undelivered"),
        DSL.coalesce(m.PROVIDER_ERROR_CODE, DSL.inline("unknown")));
    var select = dsl.select(key, label, m.STATUS, reason, m.PRICE_UNIT, DSL.count(), DSL.sum(m.SEGMENT_COUNT),
        DSL.sum(m.PRICE), DSL.count(m.PRICE)).from(m);
    var joined = services
        ? select.leftJoin(s).on(s.TENANT_ID.eq(m.TENANT_ID), s.ID.eq(m.SERVICE_ACCOUNT_ID))
        : select;
    return joined
        .where(m.TENANT_ID.eq(tenant), m.DIRECTION.eq("outbound"), m.CREATED_AT.ge(from), m.CREATED_AT.lt(to))
        // By position: a bound value in an expression of the select list would not match its copy here.
        .groupBy(DSL.inline(1), DSL.inline(2), DSL.inline(3), DSL.inline(4), DSL.inline(5))
        .fetch(r -> new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(),
            r.value7() == null ? 0 : r.value7().longValue(), r.value8(), r.value9()));
  }

  /**
   * The calendar day of {@code at} in {@code zone}. A fixed offset is added as an interval: PostgreSQL reads
   * {@code 'UTC+2'} as POSIX does, two hours west, so an offset is never passed as a zone name.
   */
  private static Field<String> day(Field<Instant> at, ZoneId zone) {
    ZoneId normal = zone.normalized();
    Field<?> local = normal instanceof ZoneOffset offset
        ? DSL.field("({0} AT TIME ZONE 'UTC') + make_interval(secs => {1})", Object.class, at,
            DSL.val(offset.getTotalSeconds()))
        : DSL.field("{0} AT TIME ZONE {1}", Object.class, at, DSL.val(normal.getId()));
    return DSL.field("to_char({0}, 'YYYY-MM-DD')", String.class, local);
  }
}
