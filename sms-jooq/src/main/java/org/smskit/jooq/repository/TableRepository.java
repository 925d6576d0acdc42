package org.smskit.jooq.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.TableRecord;
import org.jooq.impl.DSL;
import org.smskit.core.ConflictException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;

/**
 * Create, read, update and delete by id for one table, confined to one tenant. Subclasses say how a row maps
 * to its domain value and add the table's queries.
 *
 * @param <R> the generated record type
 * @param <D> the domain value
 */
abstract class TableRepository<R extends TableRecord<R>, D> {
  final DSLContext dsl;
  final String tenant;
  private final String entity;
  private final Table<R> table;
  private final Field<String> tenantField;
  private final Field<UUID> idField;

  TableRepository(DSLContext dsl, String tenant, String entity, Table<R> table, Field<String> tenantField,
      Field<UUID> idField) {
    this.dsl = dsl;
    this.tenant = tenant;
    this.entity = entity;
    this.table = table;
    this.tenantField = tenantField;
    this.idField = idField;
  }

  abstract D toDomain(R record);

  /** Sets every column the value carries on {@code record} (the tenant excepted). */
  abstract void fill(R record, D value);

  abstract UUID idOf(D value);

  /** {@code created_at} and {@code updated_at}: set by the database, never written from a value on update. */
  abstract List<Field<Instant>> bookkeepingTimestamps();

  /**
   * Stores a new row and returns it as stored. Columns left null that have a database default get the
   * default ({@code created_at}, {@code last_message_at}...).
   */
  public D insert(D value) {
    R record = dsl.newRecord(table);
    fill(record, value);
    record.set(tenantField, tenant);
    for (Field<?> field : record.fields()) {
      if (record.get(field) == null && field.getDataType().defaulted()) {
        record.changed(field, false);
      }
    }
    return toDomain(dsl.insertInto(table).set(record).returning().fetchSingle());
  }

  /**
   * Stores many new rows in JDBC batches (the database's defaults apply as in {@link #insert}); for bulk
   * operations where the stored values are not needed back.
   */
  public void insertAll(java.util.Collection<D> values) {
    Field<?>[] fields = table.fields();
    // Multi-row INSERTs of at most 500 rows keep every statement under PostgreSQL's 65,535 bind limit.
    List<D> all = List.copyOf(values);
    for (int from = 0; from < all.size(); from += 500) {
      var insert = dsl.insertInto(table, fields);
      for (D value : all.subList(from, Math.min(all.size(), from + 500))) {
        R record = dsl.newRecord(table);
        fill(record, value);
        record.set(tenantField, tenant);
        List<Field<?>> row = new java.util.ArrayList<>(fields.length);
        for (Field<?> field : fields) {
          row.add(column(record, field));
        }
        insert = insert.values(row);
      }
      insert.execute();
    }
  }

  /** A record's value of {@code field}, or the column's default when it is null and the column has one. */
  private static <T> Field<T> column(org.jooq.Record record, Field<T> field) {
    T value = record.get(field);
    return value == null && field.getDataType().defaulted() ? DSL.defaultValue(field) : DSL.val(value, field);
  }

  public Optional<D> find(UUID id) {
    return dsl.selectFrom(table).where(owned(), idField.eq(id)).fetchOptional().map(this::toDomain);
  }

  /** The rows of {@code ids} that exist, by id (one query). */
  public java.util.Map<UUID, D> findAll(java.util.Collection<UUID> ids) {
    java.util.Map<UUID, D> found = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    dsl.selectFrom(table).where(owned(), idField.in(ids)).fetch(this::toDomain).forEach(d -> found.put(idOf(d), d));
    return found;
  }

  /**
   * Writes many values over their stored rows as {@link #update} does, without reading them back: one {@code
   * UPDATE ... FROM (VALUES ...)} per 1,000 values, planned once, rather than a statement per row.
   */
  public void updateAll(java.util.Collection<D> values) {
    if (values.isEmpty()) {
      return;
    }
    List<Field<?>> keys = new java.util.ArrayList<>();
    keys.add(idField);
    keys.addAll(lookupKey());
    // The columns update() writes: those the value carries (fill marks them changed); a column the domain value
    // does not hold (one a later migration added, say) keeps what is stored.
    R sample = dsl.newRecord(table);
    fill(sample, values.iterator().next());
    List<Field<?>> written = new java.util.ArrayList<>();
    for (Field<?> field : table.fields()) {
      if (sample.changed(field) && !field.equals(idField) && !field.equals(tenantField)
          && !bookkeepingTimestamps().contains(field)) {
        written.add(field);
      }
    }
    List<Field<?>> columns = new java.util.ArrayList<>(keys);
    columns.addAll(written);
    String[] names = columns.stream().map(Field::getName).toArray(String[]::new);
    List<D> all = List.copyOf(values);
    for (int from = 0; from < all.size(); from += 1_000) {
      List<org.jooq.RowN> rows = new java.util.ArrayList<>();
      for (D value : all.subList(from, Math.min(all.size(), from + 1_000))) {
        R record = dsl.newRecord(table);
        fill(record, value);
        rows.add(DSL.row(columns.stream().map(f -> typedValue(record, f)).toList()));
      }
      Table<?> v = DSL.values(rows.toArray(org.jooq.RowN[]::new)).as("v", names);
      java.util.Map<Field<?>, Field<?>> set = new java.util.LinkedHashMap<>();
      written.forEach(f -> set.put(f, v.field(f.getName())));
      List<Condition> match = new java.util.ArrayList<>(List.of(owned()));
      keys.forEach(k -> match.add(matches(k, v)));
      dsl.update(table).set(set).from(v).where(match).execute();
    }
  }

  /**
   * Key columns besides the id that a lookup of one row may carry to find it faster (a partitioned table's
   * partition key); {@link #updateAll} matches on them too. None by default.
   */
  List<Field<?>> lookupKey() {
    return List.of();
  }

  /** A value of a VALUES list, cast to its column's type so that no row's NULL leaves the column untyped. */
  private static <T> Field<T> typedValue(org.jooq.Record record, Field<T> field) {
    return DSL.cast(DSL.val(record.get(field), field), field.getDataType());
  }

  private static <T> Condition matches(Field<T> key, Table<?> values) {
    return key.eq(values.field(key.getName(), key.getType()));
  }

  /** Reads a row that must exist. */
  public D get(UUID id) {
    return find(id).orElseThrow(() -> new NotFoundException(entity, id));
  }

  /**
   * Writes every column of {@code value} over the stored row (id, tenant and creation time excepted) and
   * returns it as stored; {@code updated_at} is set by the database.
   *
   * @throws NotFoundException when no such row exists for this tenant
   */
  public D update(D value) {
    R record = dsl.newRecord(table);
    fill(record, value);
    record.changed(idField, false);
    record.changed(tenantField, false);
    for (Field<Instant> timestamp : bookkeepingTimestamps()) {
      record.changed(timestamp, false);
    }
    return dsl.update(table).set(record).where(owned(), idField.eq(idOf(value))).returning().fetchOptional()
        .map(this::toDomain)
        .orElseThrow(() -> new NotFoundException(entity, idOf(value)));
  }

  /**
   * Writes every column of {@code value} over the stored row only if nobody changed the row since {@code value}
   * was read (its {@code updated_at} is still the one {@code value} carries): a caller's stale copy never
   * overwrites a concurrent change.
   *
   * @throws ConflictException on {@code updated_at} when the row changed since it was read
   * @throws NotFoundException when no such row exists for this tenant
   */
  public D updateIfUnchanged(D value, @Nullable Instant readUpdatedAt) {
    Field<Instant> updatedAt = bookkeepingTimestamps().stream().filter(f -> f.getName().equals("updated_at"))
        .findFirst().orElseThrow(() -> new IllegalStateException(entity + " has no updated_at"));
    if (readUpdatedAt == null) {
      return update(value);
    }
    R record = dsl.newRecord(table);
    fill(record, value);
    record.changed(idField, false);
    record.changed(tenantField, false);
    for (Field<Instant> timestamp : bookkeepingTimestamps()) {
      record.changed(timestamp, false);
    }
    Optional<D> updated = dsl.update(table).set(record)
        .where(owned(), idField.eq(idOf(value)), updatedAt.eq(readUpdatedAt))
        .returning().fetchOptional().map(this::toDomain);
    if (updated.isPresent()) {
      return updated.get();
    }
    get(idOf(value)); // NotFoundException when it is gone
    throw new ConflictException("updated_at", "the " + entity + " was changed since it was read; read it again", null);
  }

  /** Sets one column of one row and returns the row; nothing else of it is written. */
  <T> D set(UUID id, Field<T> column, @Nullable T value) {
    return dsl.update(table).set(column, value).where(owned(), idField.eq(id)).returning().fetchOptional()
        .map(this::toDomain)
        .orElseThrow(() -> new NotFoundException(entity, id));
  }

  /** Reads a row that must exist and locks it until the transaction ends. */
  public D lockRow(UUID id) {
    return dsl.selectFrom(table).where(owned(), idField.eq(id)).forUpdate().fetchOptional().map(this::toDomain)
        .orElseThrow(() -> new NotFoundException(entity, id));
  }

  /** Deletes many rows (one statement). */
  public void deleteAll(java.util.Collection<UUID> ids) {
    if (!ids.isEmpty()) {
      dsl.deleteFrom(table).where(owned(), idField.in(ids)).execute();
    }
  }

  /** Deletes the row; true when it existed. Rows that depend on it are deleted or refuse, as the schema says. */
  public boolean delete(UUID id) {
    return dsl.deleteFrom(table).where(owned(), idField.eq(id)).execute() == 1;
  }

  /** This tenant's rows. */
  Condition owned() {
    return tenantField.eq(tenant);
  }

  static int flag(boolean value) {
    return value ? 1 : 0;
  }

  static @Nullable String json(@Nullable org.jooq.JSONB value) {
    return value == null ? null : value.data();
  }
}
