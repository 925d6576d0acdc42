package org.smskit.jooq.schema;

import java.util.Optional;
import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;

/**
 * The host's ERP tables that smskit columns point at. They belong to the host: smskit never creates them. For
 * each one named here, {@link SmsSchema#migrate} creates a foreign key to its {@code id} column; for each one
 * left null, no foreign key exists (and one created earlier is dropped).
 *
 * <p>Names may be schema-qualified ({@code erp.crm_customers}); unqualified names resolve in {@code public}.
 *
 * @param campaigns referenced by {@code sms_service_accounts.linked_campaign_id} (spec: {@code mkt_campaigns})
 * @param projects referenced by {@code sms_service_accounts.linked_project_id} (spec: {@code project})
 * @param customers referenced by {@code sms_meta_conversation.customer_id_crm} (spec: {@code crm_customers})
 * @param users referenced by {@code sms_meta_conversation.assigned_staff_id} (spec: {@code sys_users})
 */
public record ErpTables(
    @Nullable String campaigns, @Nullable String projects, @Nullable String customers, @Nullable String users) {

  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,62}");

  public ErpTables {
    check("erp_tables.campaigns", campaigns);
    check("erp_tables.projects", projects);
    check("erp_tables.customers", customers);
    check("erp_tables.users", users);
  }

  /** No host tables: no foreign keys leave smskit's schema. */
  public static ErpTables none() {
    return new ErpTables(null, null, null, null);
  }

  /** The spec's names in {@code schema}: {@code mkt_campaigns}, {@code project}, {@code crm_customers}, {@code sys_users}. */
  public static ErpTables standard(String schema) {
    return new ErpTables(schema + ".mkt_campaigns", schema + ".project", schema + ".crm_customers",
        schema + ".sys_users");
  }

  /** The customers table, when the host has one (used to join customer names into the inbox). */
  public Optional<String> customersTable() {
    return Optional.ofNullable(customers);
  }

  private static void check(String field, @Nullable String name) {
    if (name != null && !QUALIFIED_NAME.matcher(name).matches()) {
      throw new InvalidInputException(field, "must be a table name, optionally schema-qualified (schema.table)");
    }
  }
}
