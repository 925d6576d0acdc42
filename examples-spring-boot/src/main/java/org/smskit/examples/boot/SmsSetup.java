package org.smskit.examples.boot;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.smskit.core.model.ServiceType;
import org.smskit.jooq.SmsService;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The shop's sender: a simulated provider account with one number and a transactional messaging service, made on
 * the first start and found again on the next ones.
 */
@Component
public class SmsSetup {
  private final UUID accountId;
  private final UUID serviceId;

  public SmsSetup(SmsService sms, JdbcTemplate jdbc) {
    List<Map<String, Object>> existing = jdbc.queryForList(
        "SELECT id, sender_account_id FROM smskit.sms_service_accounts WHERE service_name = 'Order confirmations'");
    if (existing.isEmpty()) {
      accountId = sms.registerSenderAccount("Shop", "simulated", "SIM-SHOP", "simulated-token").id();
      sms.addPhoneNumber(accountId, "+14155550100", "Shop line", true);
      serviceId = sms.createService(accountId, "Order confirmations", ServiceType.TRANSACTIONAL, null, null, null)
          .id();
    } else {
      accountId = (UUID) existing.get(0).get("sender_account_id");
      serviceId = (UUID) existing.get(0).get("id");
    }
  }

  /** The provider account; its webhooks arrive at {@code smskit.webhook.path/default/<accountId>}. */
  public UUID accountId() {
    return accountId;
  }

  public UUID serviceId() {
    return serviceId;
  }
}
