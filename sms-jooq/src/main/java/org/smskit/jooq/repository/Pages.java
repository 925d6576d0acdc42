package org.smskit.jooq.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.SortField;
import org.jooq.impl.DSL;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;

/** Keyset paging over (instant, id): no OFFSET, so a page costs the same wherever it is. */
final class Pages {
  private Pages() {}

  /** The condition that starts after the request's cursor, for a listing sorted by {@code (at, id)}. */
  static Condition after(PageRequest request, Field<Instant> at, Field<UUID> id, boolean descending) {
    if (request.after().isEmpty()) {
      return DSL.noCondition();
    }
    Cursor cursor = Cursor.decode(request.after().get());
    // The bound on the time column alone repeats what the row comparison says, in a form the planner uses to
    // prune the partitions of sms_messages (by created_at) that a later page cannot reach.
    return descending
        ? DSL.row(at, id).lt(cursor.at(), cursor.id()).and(at.le(cursor.at()))
        : DSL.row(at, id).gt(cursor.at(), cursor.id()).and(at.ge(cursor.at()));
  }

  static List<SortField<?>> order(Field<Instant> at, Field<UUID> id, boolean descending) {
    return descending ? List.of(at.desc(), id.desc()) : List.of(at.asc(), id.asc());
  }

  /**
   * Turns {@code limit + 1} fetched rows into a page: the extra row only proves that a next page exists.
   */
  static <T> Page<T> of(List<T> rows, PageRequest request, Function<T, Instant> at, Function<T, UUID> id) {
    if (rows.size() <= request.limit()) {
      return new Page<>(rows, Optional.empty());
    }
    List<T> items = rows.subList(0, request.limit());
    T last = items.get(items.size() - 1);
    return new Page<>(items, Optional.of(new Cursor(at.apply(last), id.apply(last)).encode()));
  }
}
