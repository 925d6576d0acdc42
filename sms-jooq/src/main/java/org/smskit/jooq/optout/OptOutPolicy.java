package org.smskit.jooq.optout;

import java.util.Optional;
import org.smskit.core.Nullable;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.repository.Repositories;

/**
 * The one home of the rule "may this sender reach this recipient?": which active opt-out stops a message of a
 * service (or of no service). Used when a message is queued, sent in bulk, and again just before each request.
 *
 * <ul>
 *   <li>{@code all}: every sender;
 *   <li>{@code marketing}: marketing and campaign services and messages without a service; transactional services
 *       too, unless the service was built with {@code transactionalIgnoresMarketingOptOut(true)};
 *   <li>{@code service}: that service only; {@code campaign}: services linked to that campaign.
 * </ul>
 */
public final class OptOutPolicy {
  private final boolean transactionalIgnoresMarketing;

  /** @param transactionalIgnoresMarketing transactional services may reach recipients who opted out of marketing */
  public OptOutPolicy(boolean transactionalIgnoresMarketing) {
    this.transactionalIgnoresMarketing = transactionalIgnoresMarketing;
  }

  /** True when {@code optOut} stops messages of {@code service} (null: a message sent without a service). */
  public boolean applies(OptOut optOut, @Nullable ServiceAccount service) {
    ServiceType type = service == null ? null : service.serviceType();
    return switch (optOut.scope()) {
      case ALL -> true;
      case MARKETING -> type == null || type == ServiceType.MARKETING || type == ServiceType.CAMPAIGN
          || !(transactionalIgnoresMarketing && type == ServiceType.TRANSACTIONAL);
      case SERVICE -> service != null && service.id().equals(optOut.serviceAccountId());
      case CAMPAIGN -> service != null && optOut.campaignId().equals(service.linkedCampaignId());
    };
  }

  /**
   * The same rule as {@link #applies}, as an SQL condition on an {@code sms_opt_outs} row aliased {@code o}, for
   * statements that check and write in one round trip. It reads the parameters {@code :service_type},
   * {@code :service_id} and {@code :campaign_id} (those of {@link #sqlParameters}); a test checks that both forms
   * agree for every scope and service type.
   */
  public String sqlCondition() {
    return "(o.scope = 'all'"
        + " OR (o.scope = 'marketing' AND (CAST(:service_type AS text) IS NULL"
        + "     OR :service_type IN ('marketing', 'campaign')"
        + (transactionalIgnoresMarketing ? "     OR :service_type <> 'transactional'" : "     OR true")
        + "))"
        + " OR (o.scope = 'service' AND o.service_account_id = CAST(:service_id AS uuid))"
        + " OR (o.scope = 'campaign' AND o.campaign_id = CAST(:campaign_id AS bigint)))";
  }

  /** The parameters {@link #sqlCondition} reads, for messages of {@code service} (null: without a service). */
  public java.util.Map<String, Object> sqlParameters(@Nullable ServiceAccount service) {
    java.util.Map<String, Object> p = new java.util.HashMap<>();
    p.put("service_type", service == null ? null : service.serviceType().dbValue());
    p.put("service_id", service == null ? null : service.id());
    p.put("campaign_id", service == null ? null : service.linkedCampaignId());
    return p;
  }

  /** The first active opt-out of {@code to} that stops messages of {@code service}, if any. */
  public Optional<OptOut> blocking(Repositories r, PhoneNumber to, @Nullable ServiceAccount service) {
    return r.optOuts().active(to).stream().filter(o -> applies(o, service)).findFirst();
  }

  /** Refuses a recipient who opted out of this sender. */
  public void check(Repositories r, PhoneNumber to, @Nullable ServiceAccount service) {
    Optional<OptOut> optOut = blocking(r, to, service);
    if (optOut.isPresent()) {
      throw new RecipientOptedOutException(optOut.get());
    }
  }
}
