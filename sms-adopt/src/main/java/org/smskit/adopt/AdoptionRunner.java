package org.smskit.adopt;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.StorageException;
import org.smskit.jooq.schema.SmsSchema;

/**
 * Runs preflight, adoption and verification. Each batch is one transaction: read the next rows of a legacy table
 * by its id (keyset), convert them in Java, insert them with one {@code unnest} statement per table, write their
 * residue, and advance the table's progress row. A crash loses at most the batch in flight, which the next run
 * reads again.
 */
final class AdoptionRunner {
  private static final Logger log = LoggerFactory.getLogger(AdoptionRunner.class);

  /**
   * Foreign keys from a table to a parent that is adopted before it, dropped for the bulk copy and re-added at
   * cut-over {@code NOT VALID}, then validated, with their stored definitions (so the catalog ends as a fresh
   * install's). Those of {@code sms_messages} stay: PostgreSQL cannot add a {@code NOT VALID} foreign key on a
   * partitioned table, and its parents are adopted (or synthesised) before it anyway.
   */
  static final List<String[]> DEFERRED_FOREIGN_KEYS = List.of(
      new String[] {"sms_sender_phone_numbers", "sms_sender_phone_numbers_account_fkey"},
      new String[] {"sms_service_accounts", "sms_service_accounts_sender_account_fkey"},
      new String[] {"sms_contacts", "sms_contacts_assigned_phone_number_fkey"},
      new String[] {"sms_attachments", "sms_attachments_message_fkey"},
      new String[] {"sms_reactions", "sms_reactions_message_fkey"});

  private final LegacyAdoption config;
  private final String target;
  private final String adoption;
  private final List<TableAdopter> tables = Tables.all();

  AdoptionRunner(LegacyAdoption config) {
    this.config = config;
    this.target = quote(config.target.schema());
    this.adoption = quote(config.adoptionSchema());
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  // Legacy tables ------------------------------------------------------------------------------------------------

  /** A legacy table as found: its real (quoted) name, id type and which of the spec's columns it has. */
  record Legacy(String qualified, String idType, Set<String> columns) {}

  /** The legacy tables by lower-case name; names are matched case-insensitively (unquoted SMS_x is sms_x). */
  Map<String, Legacy> legacyTables(Connection c) throws SQLException {
    Map<String, Legacy> found = new HashMap<>();
    String sql = "SELECT lower(c.relname), c.relname, format_type(a.atttypid, a.atttypmod),"
        + " (SELECT array_agg(lower(b.attname)) FROM pg_attribute b WHERE b.attrelid = c.oid AND b.attnum > 0"
        + "  AND NOT b.attisdropped)"
        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'id'"
        + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND lower(c.relname) = ANY(?)";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, config.legacySchema);
      s.setArray(2, c.createArrayOf("text", tables.stream().map(t -> t.legacyTable).toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          Set<String> columns = new HashSet<>(List.of((String[]) r.getArray(4).getArray()));
          found.put(r.getString(1), new Legacy(quote(config.legacySchema) + "." + quote(r.getString(2)),
              r.getString(3), columns));
        }
      }
    }
    if (found.isEmpty()) {
      throw new InvalidInputException("legacy_schema", "no legacy SMS_* table found in schema " + config.legacySchema);
    }
    return found;
  }

  /** The next batch after {@code lastId} (null: from the start), in id order. */
  List<LegacyRow> read(Connection c, TableAdopter t, Legacy legacy, @Nullable String lastId) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT l.id::text, to_jsonb(l)::text");
    for (String column : t.legacyColumns) {
      sql.append(", ").append(legacy.columns.contains(column) ? "l." + quote(column) + "::text" : "NULL::text");
    }
    sql.append(" FROM ").append(legacy.qualified).append(" l");
    if (lastId != null) {
      // Compared in the column's own type, so the primary key's index serves the keyset.
      sql.append(" WHERE l.id > CAST(? AS ").append(legacy.idType).append(")");
    }
    sql.append(" ORDER BY l.id LIMIT ").append(config.batchSize);
    List<LegacyRow> rows = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql.toString())) {
      if (lastId != null) {
        s.setString(1, lastId);
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          Map<String, String> values = new HashMap<>();
          for (int i = 0; i < t.legacyColumns.size(); i++) {
            values.put(t.legacyColumns.get(i), r.getString(i + 3));
          }
          rows.add(new LegacyRow(r.getString(1), r.getString(2), values));
        }
      }
    }
    return rows;
  }

  private Connection open() throws SQLException {
    Connection c = config.dataSource.getConnection();
    try (Statement s = c.createStatement()) {
      // Typed legacy timestamps are read as text: in UTC they always carry their offset.
      s.execute("SET TimeZone = 'UTC'");
    }
    return c;
  }

  // Preflight ----------------------------------------------------------------------------------------------------

  PreflightReport preflight() {
    try (Connection c = open()) {
      c.setReadOnly(true);
      Map<String, Legacy> legacy = legacyTables(c);
      Instant now = config.clock.instant();
      Context context = new Context(config.tenant, new LegacyTimestamps(config.legacyZone, now),
          new LegacyPhones(config.defaultRegion), null, now, new LegacyLookups(c, legacy), null, target, adoption);
      Map<String, Long> rows = new LinkedHashMap<>();
      Issues issues = new Issues(3);
      for (TableAdopter t : tables) {
        Legacy l = legacy.get(t.legacyTable);
        if (l == null) {
          continue;
        }
        long count = 0;
        String last = null;
        for (List<LegacyRow> batch = read(c, t, l, null); !batch.isEmpty(); batch = read(c, t, l, last)) {
          Residue residue = new Residue();
          t.prepare(context, batch);
          for (LegacyRow row : batch) {
            if (t.convert(context, row, residue) == null) {
              residue.add(t.legacyTable, row.id(), Residue.WHOLE_ROW, row.json(), t.why);
            }
          }
          issues.addAll(residue.entries);
          count += batch.size();
          last = batch.get(batch.size() - 1).id();
        }
        rows.put(t.legacyTable, count);
      }
      long orphans = 0;
      if (legacy.containsKey("sms_messages")) {
        String meta = legacy.containsKey("sms_meta_conversation")
            ? " WHERE NOT EXISTS (SELECT 1 FROM " + legacy.get("sms_meta_conversation").qualified
              + " x WHERE x.conversation_id = m.conversation_id)" : "";
        orphans = longValue(c, "SELECT count(DISTINCT m.conversation_id) FROM "
            + legacy.get("sms_messages").qualified + " m" + meta);
      }
      List<String> missing = tables.stream().map(t -> t.legacyTable).filter(n -> !legacy.containsKey(n)).toList();
      return new PreflightReport(rows, issues.list(), orphans,
          context.counters.getOrDefault("tokens to encrypt", 0L), missing);
    } catch (SQLException e) {
      throw new StorageException("preflight failed: " + e.getMessage(), false, e);
    }
  }

  /** Residue entries summed by table, column and reason, with a few examples each. */
  static final class Issues {
    private final int examples;
    private final Map<List<String>, long[]> counts = new LinkedHashMap<>();
    private final Map<List<String>, List<String>> samples = new HashMap<>();

    Issues(int examples) {
      this.examples = examples;
    }

    void addAll(Collection<Residue.Entry> entries) {
      for (Residue.Entry e : entries) {
        add(e.table(), e.column(), e.reason(), 1, e.rowId() + ": " + e.raw());
      }
    }

    void add(String table, String column, String reason, long n, @Nullable String example) {
      List<String> key = List.of(table, column, reason);
      counts.computeIfAbsent(key, k -> new long[1])[0] += n;
      List<String> s = samples.computeIfAbsent(key, k -> new ArrayList<>());
      if (example != null && s.size() < examples) {
        s.add(example.length() > 200 ? example.substring(0, 200) + "..." : example);
      }
    }

    List<ColumnIssue> list() {
      List<ColumnIssue> out = new ArrayList<>();
      counts.forEach((k, n) -> out.add(new ColumnIssue(k.get(0), k.get(1), k.get(2), n[0], samples.get(k))));
      return out;
    }
  }

  // Adoption -----------------------------------------------------------------------------------------------------

  AdoptionSummary adopt() {
    String version = SmsSchema.migrate(config.dataSource, config.target);
    try (Connection c = open()) {
      createStore(c);
      Instant startedAt = startedAt(c);
      Map<String, Legacy> legacy = legacyTables(c);
      if (cutOverDone(c)) {
        return summary(c, version, true);
      }
      if (config.cipher != null) {
        requireKeyCheck(c);
      } else if (legacy.containsKey("sms_sender_accounts") && longValue(c, "SELECT count(*) FROM "
          + legacy.get("sms_sender_accounts").qualified + " WHERE auth_token IS NOT NULL"
          + " AND auth_token !~ '^enc:v1:'") > 0) {
        throw new InvalidInputException("key", "the legacy accounts hold plaintext auth tokens; configure the key"
            + " that encrypts them");
      }
      dropDeferredForeignKeys(c);
      c.setAutoCommit(false);
      Context context = new Context(config.tenant, new LegacyTimestamps(config.legacyZone, config.clock.instant()),
          new LegacyPhones(config.defaultRegion), config.cipher, startedAt, new TargetLookups(c), c, target,
          adoption);
      int batches = 0;
      for (TableAdopter t : tables) {
        Legacy l = legacy.get(t.legacyTable);
        if (l == null) {
          continue;
        }
        Progress progress = progress(c, t.legacyTable);
        c.commit();
        long started = System.nanoTime();
        while (!progress.done) {
          List<LegacyRow> rows = read(c, t, l, progress.lastId);
          if (rows.isEmpty()) {
            progress = new Progress(progress.lastId, true);
            saveProgress(c, t.legacyTable, progress, 0, 0, 0);
            c.commit();
            break;
          }
          copyBatch(c, context, t, rows);
          c.commit();
          progress = new Progress(rows.get(rows.size() - 1).id(), false);
          batches++;
          if (batches % 10 == 0) {
            log.info("smskit adoption: {} batches, {} at {}", batches, t.legacyTable, progress.lastId);
          }
          if (config.afterBatch != null) {
            config.afterBatch.accept(batches);
          }
        }
        log.info("smskit adoption: {} copied in {} ms", t.legacyTable, (System.nanoTime() - started) / 1_000_000);
      }
      cutOver(c);
      c.commit();
      c.setAutoCommit(true);
      return summary(c, version, false);
    } catch (SQLException e) {
      throw new StorageException("adoption failed: " + e.getMessage(), true, e);
    }
  }

  private void copyBatch(Connection c, Context context, TableAdopter t, List<LegacyRow> rows) throws SQLException {
    Residue residue = new Residue();
    t.prepare(context, rows);
    List<Object[]> converted = new ArrayList<>(rows.size());
    List<LegacyRow> convertedFrom = new ArrayList<>(rows.size());
    int notImportable = 0;
    for (LegacyRow row : rows) {
      Object[] values = t.convert(context, row, residue);
      if (values == null) {
        residue.add(t.legacyTable, row.id(), Residue.WHOLE_ROW, row.json(), t.why);
        notImportable++;
      } else {
        converted.add(values);
        convertedFrom.add(row);
      }
    }
    t.beforeInsert(context);
    Set<UUID> inserted = insert(c, t, converted);
    if (inserted.size() < converted.size()) {
      // Not inserted: either adopted already (never, as batches commit with their progress) or in conflict with
      // a unique key of an adopted row (a second contact of one phone, a second conversation of one key).
      Set<UUID> missing = new HashSet<>();
      converted.forEach(v -> {
        if (!inserted.contains((UUID) v[0])) {
          missing.add((UUID) v[0]);
        }
      });
      Set<UUID> existing = new TargetLookups(c).present(t.targetTable, missing);
      for (int i = 0; i < converted.size(); i++) {
        UUID id = (UUID) converted.get(i)[0];
        if (missing.contains(id) && !existing.contains(id)) {
          LegacyRow row = convertedFrom.get(i);
          residue.add(t.legacyTable, row.id(), Residue.WHOLE_ROW, row.json(),
              Residue.NOT_IMPORTABLE + ": duplicate of an adopted row's unique key");
          notImportable++;
        }
      }
    }
    writeResidue(c, residue);
    saveProgress(c, t.legacyTable, new Progress(rows.get(rows.size() - 1).id(), false), rows.size(),
        inserted.size(), notImportable);
  }

  /** One statement: every row of the batch as text arrays, cast to the column types, duplicates skipped. */
  private Set<UUID> insert(Connection c, TableAdopter t, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return Set.of();
    }
    List<TableAdopter.Column> columns = t.targetColumns;
    StringBuilder names = new StringBuilder("tenant_id");
    StringBuilder casts = new StringBuilder("?");
    StringBuilder arrays = new StringBuilder();
    StringBuilder aliases = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      TableAdopter.Column column = columns.get(i);
      names.append(", ").append(column.name());
      casts.append(", u.c").append(i).append("::").append(column.type());
      arrays.append(i == 0 ? "" : ", ").append("?::text[]");
      aliases.append(i == 0 ? "" : ", ").append('c').append(i);
    }
    String sql = "INSERT INTO " + target + "." + t.targetTable + " (" + names + ") SELECT " + casts
        + " FROM unnest(" + arrays + ") AS u(" + aliases + ") ON CONFLICT DO NOTHING RETURNING id";
    Set<UUID> inserted = new HashSet<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, config.tenant.value());
      for (int i = 0; i < columns.size(); i++) {
        String[] values = new String[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
          Object value = rows.get(r)[i];
          values[r] = value == null ? null : value.toString();
        }
        s.setArray(i + 2, c.createArrayOf("text", values));
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          inserted.add(r.getObject(1, UUID.class));
        }
      }
    }
    return inserted;
  }

  private void writeResidue(Connection c, Residue residue) throws SQLException {
    if (residue.entries.isEmpty()) {
      return;
    }
    int n = residue.entries.size();
    String[][] columns = new String[5][n];
    for (int i = 0; i < n; i++) {
      Residue.Entry e = residue.entries.get(i);
      columns[0][i] = e.table();
      columns[1][i] = e.rowId();
      columns[2][i] = e.column();
      columns[3][i] = e.raw();
      columns[4][i] = e.reason();
    }
    String sql = "INSERT INTO " + adoption + ".adoption_residue (tenant_id, table_name, row_id, column_name,"
        + " raw_value, reason) SELECT ?, u.t, u.r, u.c, u.v, u.why"
        + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS u(t, r, c, v, why)"
        + " ON CONFLICT DO NOTHING";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, config.tenant.value());
      for (int i = 0; i < 5; i++) {
        s.setArray(i + 2, c.createArrayOf("text", columns[i]));
      }
      s.executeUpdate();
    }
  }

  // Progress and state -------------------------------------------------------------------------------------------

  record Progress(@Nullable String lastId, boolean done) {}

  private void createStore(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + adoption);
      s.execute("CREATE TABLE IF NOT EXISTS " + adoption + ".adoption_progress (tenant_id text NOT NULL,"
          + " table_name text NOT NULL, last_id text, done boolean NOT NULL DEFAULT false,"
          + " rows_read bigint NOT NULL DEFAULT 0, rows_adopted bigint NOT NULL DEFAULT 0,"
          + " rows_not_importable bigint NOT NULL DEFAULT 0, PRIMARY KEY (tenant_id, table_name))");
      s.execute("CREATE TABLE IF NOT EXISTS " + adoption + ".adoption_residue (tenant_id text NOT NULL,"
          + " table_name text NOT NULL, row_id text NOT NULL, column_name text NOT NULL, raw_value text,"
          + " reason text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(),"
          + " PRIMARY KEY (tenant_id, table_name, row_id, column_name))");
      s.execute("CREATE TABLE IF NOT EXISTS " + adoption + ".adoption_state (tenant_id text NOT NULL,"
          + " key text NOT NULL, value text NOT NULL, PRIMARY KEY (tenant_id, key))");
      s.execute("CREATE TABLE IF NOT EXISTS " + adoption + ".adoption_constraints (table_name text NOT NULL,"
          + " constraint_name text PRIMARY KEY, definition text NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS " + adoption + ".adoption_synthesised (tenant_id text NOT NULL,"
          + " conversation_id text NOT NULL, PRIMARY KEY (tenant_id, conversation_id))");
    }
  }

  /** The first run's start, kept: reruns fill missing timestamps with the same instant. */
  private Instant startedAt(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + adoption + ".adoption_state VALUES (?, 'started_at',"
        + " ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, config.tenant.value());
      s.setString(2, config.clock.instant().toString());
      s.executeUpdate();
    }
    return Instant.parse(state(c, "started_at"));
  }

  private @Nullable String state(Connection c, String key) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT value FROM " + adoption + ".adoption_state"
        + " WHERE tenant_id = ? AND key = ?")) {
      s.setString(1, config.tenant.value());
      s.setString(2, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  private boolean cutOverDone(Connection c) throws SQLException {
    return state(c, "cut_over_at") != null;
  }

  private Progress progress(Connection c, String table) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + adoption + ".adoption_progress (tenant_id,"
        + " table_name) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, config.tenant.value());
      s.setString(2, table);
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement("SELECT last_id, done FROM " + adoption + ".adoption_progress"
        + " WHERE tenant_id = ? AND table_name = ?")) {
      s.setString(1, config.tenant.value());
      s.setString(2, table);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return new Progress(r.getString(1), r.getBoolean(2));
      }
    }
  }

  private void saveProgress(Connection c, String table, Progress p, long read, long adopted, long notImportable)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE " + adoption + ".adoption_progress SET last_id = ?,"
        + " done = ?, rows_read = rows_read + ?, rows_adopted = rows_adopted + ?,"
        + " rows_not_importable = rows_not_importable + ? WHERE tenant_id = ? AND table_name = ?")) {
      s.setString(1, p.lastId);
      s.setBoolean(2, p.done);
      s.setLong(3, read);
      s.setLong(4, adopted);
      s.setLong(5, notImportable);
      s.setString(6, config.tenant.value());
      s.setString(7, table);
      s.executeUpdate();
    }
  }

  /** As {@code KeyChecks.requireActive}: the installation's check value for the active key id must match ours. */
  private void requireKeyCheck(Connection c) throws SQLException {
    var cipher = config.cipher;
    String keyId = cipher.activeKeyId();
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + target + ".sms_key_checks (key_id, check_value)"
        + " VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, keyId);
      s.setString(2, cipher.keyCheck(keyId).format());
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement("SELECT check_value FROM " + target + ".sms_key_checks"
        + " WHERE key_id = ?")) {
      s.setString(1, keyId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        if (!cipher.matchesKeyCheck(keyId, org.smskit.core.crypto.EncryptedValue.parse("check_value",
            r.getString(1)))) {
          throw new InvalidInputException("key", "the key '" + keyId + "' differs from the installation's key with"
              + " that id (its check value in sms_key_checks does not decrypt)");
        }
      }
    }
  }

  /** Stores each deferred foreign key's definition (once), then drops it; both idempotent for a resumed run. */
  private void dropDeferredForeignKeys(Connection c) throws SQLException {
    c.setAutoCommit(false);
    for (String[] fk : DEFERRED_FOREIGN_KEYS) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO " + adoption + ".adoption_constraints"
          + " SELECT ?, conname, pg_get_constraintdef(oid) FROM pg_constraint"
          + " WHERE conrelid = (? || '.' || ?)::regclass AND conname = ? ON CONFLICT DO NOTHING")) {
        s.setString(1, fk[0]);
        s.setString(2, target);
        s.setString(3, fk[0]);
        s.setString(4, fk[1]);
        s.executeUpdate();
      }
      try (Statement s = c.createStatement()) {
        s.execute("ALTER TABLE " + target + "." + fk[0] + " DROP CONSTRAINT IF EXISTS " + fk[1]);
      }
    }
    c.commit();
    c.setAutoCommit(true);
  }

  /**
   * One short transaction: synthesised conversations get their counters from the adopted messages; the deferred
   * foreign keys come back {@code NOT VALID} and are validated (all data is in place, so nothing fails here unless
   * the schema was changed meanwhile).
   */
  private void cutOver(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE " + target + ".sms_meta_conversation k"
        + " SET message_count = m.n, last_message_at = m.last, conversation_start = m.first, created_at = m.first"
        + " FROM (SELECT conversation_id, count(*)::int AS n, max(created_at) AS last, min(created_at) AS first"
        + "       FROM " + target + ".sms_messages WHERE tenant_id = ? GROUP BY conversation_id) m, "
        + adoption + ".adoption_synthesised y"
        + " WHERE k.tenant_id = ? AND k.conversation_id = m.conversation_id"
        + " AND y.tenant_id = k.tenant_id AND y.conversation_id = k.conversation_id")) {
      s.setString(1, config.tenant.value());
      s.setString(2, config.tenant.value());
      s.executeUpdate();
    }
    List<String[]> stored = new ArrayList<>();
    try (Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT table_name, constraint_name, definition FROM " + adoption
             + ".adoption_constraints ORDER BY constraint_name")) {
      while (r.next()) {
        stored.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
      }
    }
    try (Statement s = c.createStatement()) {
      for (String[] fk : stored) {
        if (longValue(c, "SELECT count(*) FROM pg_constraint WHERE conrelid = '" + target + "." + fk[0]
            + "'::regclass AND conname = '" + fk[1] + "'") == 0) {
          s.execute("ALTER TABLE " + target + "." + fk[0] + " ADD CONSTRAINT " + fk[1] + " " + fk[2] + " NOT VALID");
        }
        s.execute("ALTER TABLE " + target + "." + fk[0] + " VALIDATE CONSTRAINT " + fk[1]);
      }
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + adoption + ".adoption_state VALUES (?,"
        + " 'cut_over_at', ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, config.tenant.value());
      s.setString(2, OffsetDateTime.now().toString());
      s.executeUpdate();
    }
  }

  private AdoptionSummary summary(Connection c, String version, boolean already) throws SQLException {
    Map<String, Long> read = new LinkedHashMap<>();
    Map<String, Long> adopted = new LinkedHashMap<>();
    Map<String, Long> notImportable = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT table_name, rows_read, rows_adopted, rows_not_importable"
        + " FROM " + adoption + ".adoption_progress WHERE tenant_id = ? ORDER BY table_name")) {
      s.setString(1, config.tenant.value());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          read.put(r.getString(1), r.getLong(2));
          adopted.put(r.getString(1), r.getLong(3));
          notImportable.put(r.getString(1), r.getLong(4));
        }
      }
    }
    Issues issues = new Issues(0);
    try (PreparedStatement s = c.prepareStatement("SELECT table_name, column_name, reason, count(*) FROM " + adoption
        + ".adoption_residue WHERE tenant_id = ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")) {
      s.setString(1, config.tenant.value());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          issues.add(r.getString(1), r.getString(2), r.getString(3), r.getLong(4), null);
        }
      }
    }
    long synthesised;
    try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + adoption + ".adoption_synthesised"
        + " WHERE tenant_id = ?")) {
      s.setString(1, config.tenant.value());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        synthesised = r.getLong(1);
      }
    }
    return new AdoptionSummary(read, adopted, notImportable, issues.list(), synthesised, version, already);
  }

  // Verify -------------------------------------------------------------------------------------------------------

  VerifyReport verify() {
    try (Connection c = open()) {
      Map<String, Legacy> legacy = legacyTables(c);
      List<String> problems = new ArrayList<>();
      Map<String, Long> lost = new LinkedHashMap<>();
      if (longValue(c, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + config.adoptionSchema() + "'") == 0
          || !cutOverDone(c)) {
        problems.add("not cut over: run adopt");
        return new VerifyReport(lost, problems);
      }
      String tenant = config.tenant.value().replace("'", "''");
      for (TableAdopter t : tables) {
        Legacy l = legacy.get(t.legacyTable);
        if (l == null) {
          continue;
        }
        // A uuid-typed legacy id is the target id itself (and lets the planner join on the key).
        String targetId = l.idType.equals("uuid") ? "l.id" : targetIdSql(t.legacyTable, "l.id::text");
        // One pass per table: each legacy row joined to its adopted row and to the columns its residue holds.
        List<String> columns = t.legacyColumns.stream().filter(l.columns::contains).toList();
        StringBuilder sql = new StringBuilder("SELECT count(*) FILTER (WHERE x.id IS NULL AND NOT coalesce('*' = ANY(r.cols), false))");
        for (String column : columns) {
          sql.append(", count(*) FILTER (WHERE l.").append(quote(column)).append(" IS NOT NULL AND x.")
              .append(quote(column)).append(" IS NULL AND NOT coalesce(r.cols && ARRAY['*', '").append(column)
              .append("'], false))");
        }
        sql.append(" FROM ").append(l.qualified).append(" l LEFT JOIN ").append(target).append('.')
            .append(t.targetTable).append(" x ON x.tenant_id = '").append(tenant).append("' AND x.id = ")
            .append(targetId).append(" LEFT JOIN (SELECT row_id, array_agg(column_name) AS cols FROM ")
            .append(adoption).append(".adoption_residue WHERE tenant_id = '").append(tenant)
            .append("' AND table_name = '").append(t.legacyTable).append("' GROUP BY row_id) r ON r.row_id = l.id::text");
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql.toString())) {
          r.next();
          lost.put(t.legacyTable + ".*", r.getLong(1));
          for (int i = 0; i < columns.size(); i++) {
            lost.put(t.legacyTable + "." + columns.get(i), r.getLong(i + 2));
          }
        }
      }
      long plaintext = longValue(c, "SELECT count(*) FROM " + target + ".sms_sender_accounts WHERE auth_token IS NOT"
          + " NULL AND auth_token NOT LIKE 'enc:v1:%'");
      if (plaintext > 0) {
        problems.add(plaintext + " plaintext auth token(s)");
      }
      for (String[] fk : DEFERRED_FOREIGN_KEYS) {
        if (longValue(c, "SELECT count(*) FROM pg_constraint WHERE conrelid = '" + target + "." + fk[0]
            + "'::regclass AND conname = '" + fk[1] + "'") == 0) {
          problems.add("foreign key " + fk[1] + " missing");
        } else if (longValue(c, "SELECT count(*) FROM pg_constraint WHERE conrelid = '" + target + "." + fk[0]
            + "'::regclass AND conname = '" + fk[1] + "' AND NOT convalidated") > 0) {
          problems.add("foreign key " + fk[1] + " not validated");
        }
      }
      return new VerifyReport(lost, problems);
    } catch (SQLException e) {
      throw new StorageException("verify failed: " + e.getMessage(), false, e);
    }
  }

  /**
   * {@link LegacyIds#target} in SQL: the text itself when PostgreSQL reads it as a uuid (it accepts braces, upper
   * case and missing dashes, as {@link LegacyIds} does), else the name-based (MD5, version 3) uuid of
   * {@code legacy:<table>:<id>}, as {@link java.util.UUID#nameUUIDFromBytes} makes it.
   */
  static String targetIdSql(String table, String idText) {
    String h = "md5(convert_to('legacy:" + table + ":' || " + idText + ", 'UTF8'))";
    return "(CASE WHEN " + idText + " ~* '^\\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\\}?$'"
        + " THEN " + idText + "::uuid ELSE (substr(" + h + ", 1, 12) || '3' || substr(" + h + ", 14, 3)"
        + " || substr('89ab', (('x' || substr(" + h + ", 17, 1))::bit(4)::int & 3) + 1, 1)"
        + " || substr(" + h + ", 18))::uuid END)";
  }

  static long longValue(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  // Lookups ------------------------------------------------------------------------------------------------------

  /** Parents as adopted so far, in smskit's schema. */
  final class TargetLookups implements Lookups {
    private final Connection c;

    TargetLookups(Connection c) {
      this.c = c;
    }

    @Override
    public Set<UUID> present(String table, Collection<UUID> ids) throws SQLException {
      return uuids("SELECT id FROM " + target + "." + table + " WHERE tenant_id = ? AND id = ANY(?)", ids);
    }

    @Override
    public Set<UUID> primaryNumberAccounts(Collection<UUID> accounts) throws SQLException {
      return uuids("SELECT account_id FROM " + target + ".sms_sender_phone_numbers WHERE tenant_id = ?"
          + " AND account_id = ANY(?) AND is_primary = 1", accounts);
    }

    @Override
    public Map<UUID, Instant> messageTimes(Collection<UUID> ids) throws SQLException {
      Map<UUID, Instant> times = new HashMap<>();
      if (ids.isEmpty()) {
        return times;
      }
      try (PreparedStatement s = c.prepareStatement("SELECT id, created_at FROM " + target + ".sms_messages"
          + " WHERE tenant_id = ? AND id = ANY(?)")) {
        s.setString(1, config.tenant.value());
        s.setArray(2, c.createArrayOf("uuid", ids.toArray()));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            times.put(r.getObject(1, UUID.class), r.getObject(2, OffsetDateTime.class).toInstant());
          }
        }
      }
      return times;
    }

    @Override
    public Set<String> conversationKeys(Collection<String> keys) throws SQLException {
      Set<String> found = new HashSet<>();
      if (keys.isEmpty()) {
        return found;
      }
      try (PreparedStatement s = c.prepareStatement("SELECT conversation_id FROM " + target
          + ".sms_meta_conversation WHERE tenant_id = ? AND conversation_id = ANY(?)")) {
        s.setString(1, config.tenant.value());
        s.setArray(2, c.createArrayOf("text", keys.toArray()));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            found.add(r.getString(1));
          }
        }
      }
      return found;
    }

    private Set<UUID> uuids(String sql, Collection<UUID> ids) throws SQLException {
      Set<UUID> found = new HashSet<>();
      if (ids.isEmpty()) {
        return found;
      }
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, config.tenant.value());
        s.setArray(2, c.createArrayOf("uuid", ids.toArray()));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            found.add(r.getObject(1, UUID.class));
          }
        }
      }
      return found;
    }
  }

  /** Parents as the legacy tables hold them, for preflight (which writes nothing). */
  static final class LegacyLookups implements Lookups {
    private static final Map<String, String> LEGACY = Map.of("sms_sender_accounts", "sms_sender_accounts",
        "sms_sender_phone_numbers", "sms_sender_phone_numbers", "sms_service_accounts", "sms_service_accounts",
        "sms_messages", "sms_messages");
    private final Connection c;
    private final Map<String, Legacy> legacy;

    LegacyLookups(Connection c, Map<String, Legacy> legacy) {
      this.c = c;
      this.legacy = legacy;
    }

    @Override
    public Set<UUID> present(String table, Collection<UUID> ids) throws SQLException {
      Legacy l = legacy.get(LEGACY.getOrDefault(table, table));
      Set<UUID> found = new HashSet<>();
      if (l == null || ids.isEmpty()) {
        return found;
      }
      // Typed uuid ids use the primary key; text ids (any spelling) need a scan.
      boolean typed = l.idType.equals("uuid");
      try (PreparedStatement s = c.prepareStatement("SELECT lower(id::text) FROM " + l.qualified
          + (typed ? " WHERE id = ANY(?::uuid[])" : " WHERE lower(id::text) = ANY(?)"))) {
        s.setArray(1, c.createArrayOf(typed ? "uuid" : "text", typed ? ids.toArray()
            : ids.stream().map(UUID::toString).toArray()));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            UUID id = LegacyIds.uuid(r.getString(1)).value();
            if (id != null) {
              found.add(id);
            }
          }
        }
      }
      return found;
    }

    @Override
    public Set<UUID> primaryNumberAccounts(Collection<UUID> accounts) {
      return Set.of();
    }

    @Override
    public Map<UUID, Instant> messageTimes(Collection<UUID> ids) throws SQLException {
      Map<UUID, Instant> times = new HashMap<>();
      present("sms_messages", ids).forEach(id -> times.put(id, Instant.EPOCH));
      return times;
    }

    @Override
    public Set<String> conversationKeys(Collection<String> keys) throws SQLException {
      Set<String> found = new HashSet<>();
      Legacy l = legacy.get("sms_meta_conversation");
      if (l == null || keys.isEmpty()) {
        return found;
      }
      try (PreparedStatement s = c.prepareStatement("SELECT conversation_id FROM " + l.qualified
          + " WHERE conversation_id = ANY(?)")) {
        s.setArray(1, c.createArrayOf("text", keys.toArray()));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            found.add(r.getString(1));
          }
        }
      }
      return found;
    }
  }

}
