package org.smskit.jooq.testing;

import java.util.ArrayList;
import java.util.List;

/** What two installations of smskit's schema must share to be the same: for an upgrade or an adoption. */
public final class Catalogs {
  private Catalogs() {}

  /**
   * Everything of smskit's schema but its partitions: tables and columns, constraints (with whether they are
   * validated), indexes, triggers, functions and table comments, each as PostgreSQL prints its definition.
   */
  public static List<String> smskit(TestDatabase db) {
    List<String> all = new ArrayList<>();
    String tables = "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = 'smskit' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
        + " AND c.relname <> 'smskit_schema_history'";
    all.addAll(db.strings("SELECT 'column ' || a.attrelid::regclass || '.' || a.attname || ' '"
        + " || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' '"
        + " || coalesce(pg_get_expr(d.adbin, d.adrelid), '') FROM pg_attribute a"
        + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        + " WHERE a.attrelid IN (" + tables + ") AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1"));
    all.addAll(db.strings("SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' '"
        + " || pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint WHERE conrelid IN (" + tables
        + ") AND conparentid = 0 ORDER BY 1")); // not the internal per-partition parts of a foreign key
    all.addAll(db.strings("SELECT 'index ' || indexrelid::regclass || ' ' || pg_get_indexdef(indexrelid)"
        + " FROM pg_index WHERE indrelid IN (" + tables + ") ORDER BY 1"));
    all.addAll(db.strings("SELECT 'trigger ' || tgrelid::regclass || ' ' || pg_get_triggerdef(oid) FROM pg_trigger"
        + " WHERE tgrelid IN (" + tables + ") AND NOT tgisinternal ORDER BY 1"));
    all.addAll(db.strings("SELECT 'function ' || p.proname || ' ' || md5(pg_get_functiondef(p.oid)) FROM pg_proc p"
        + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'smskit' ORDER BY 1"));
    all.addAll(db.strings("SELECT 'comment ' || c.relname || ' ' || coalesce(obj_description(c.oid, 'pg_class'), '')"
        + " FROM pg_class c WHERE c.oid IN (" + tables + ") ORDER BY 1"));
    return all;
  }
}
