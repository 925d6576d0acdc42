package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.jooq.repository.NamedSql;
import org.smskit.jooq.optout.OptOutPolicy;
import org.smskit.jooq.repository.Repositories;

/**
 * The opt-out rule has one home, {@link OptOutPolicy}, in two forms: Java (for checks at send time) and SQL (for the
 * one-statement queue). Both must give the same answer for every scope, every service type and no service.
 */
class OptOutPolicySqlTest extends ServiceTestBase {

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void javaAndSqlFormsAgreeForEveryScopeAndServiceType(boolean transactionalIgnoresMarketing) {
    World w = world();
    db.execute("INSERT INTO public.mkt_campaigns (id, name) VALUES (1, 'Spring') ON CONFLICT DO NOTHING");
    OptOutPolicy policy = new OptOutPolicy(transactionalIgnoresMarketing);
    List<ServiceAccount> services = new ArrayList<>();
    services.add(null);
    for (ServiceType type : ServiceType.values()) {
      UUID id = sms.createService(w.account(), type.name(), type, null, 1L, null).id();
      services.add(sms.inTransaction((Repositories r) -> r.serviceAccounts().get(id)));
    }
    UUID otherService = services.get(1).id();
    List<OptOut> optOuts = new ArrayList<>();
    optOuts.add(sms.optOut("+14155550161", OptOutScope.ALL, null, null));
    optOuts.add(sms.optOut("+14155550162", OptOutScope.MARKETING, null, null));
    optOuts.add(sms.optOut("+14155550163", OptOutScope.CAMPAIGN, null, 1L));
    optOuts.add(sms.optOut("+14155550164", OptOutScope.CAMPAIGN, null, 2L));
    for (ServiceAccount s : services.subList(1, services.size())) {
      optOuts.add(sms.optOut("+14155550165", OptOutScope.SERVICE, s.id(), null));
    }
    // The condition is used in WHERE clauses, where NULL (unknown) counts as false; read it the same way.
    NamedSql sql = NamedSql.compile("SELECT coalesce((" + policy.sqlCondition() + "), false) AS applies"
        + " FROM ${schema}.sms_opt_outs o WHERE o.tenant_id = :tenant AND o.id = :id", CONFIG);

    int checked = 0;
    for (ServiceAccount service : services) {
      for (OptOut optOut : optOuts) {
        Map<String, Object> p = new HashMap<>(policy.sqlParameters(service));
        p.put("tenant", tenant.value());
        p.put("id", optOut.id());
        boolean inSql = root.context().db().queryOne(tenant, sql, p, row -> row.get("applies", Boolean.class));
        assertThat(inSql).as("%s opt-out for %s", optOut.scope(), service == null ? "no service"
            : service.serviceType() + (service.id().equals(otherService) ? " (first)" : "")).isEqualTo(
            policy.applies(optOut, service));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(services.size() * optOuts.size());
  }
}
