package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_SERVICE_ACCOUNTS;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.smskit.core.Nullable;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.model.StoredEnum;
import org.smskit.jooq.generated.tables.records.SmsServiceAccountsRecord;

/** Messaging services ({@code sms_service_accounts}). */
public final class ServiceAccountRepository extends TableRepository<SmsServiceAccountsRecord, ServiceAccount> {

  ServiceAccountRepository(DSLContext dsl, String tenant) {
    super(dsl, tenant, "service account", SMS_SERVICE_ACCOUNTS, SMS_SERVICE_ACCOUNTS.TENANT_ID,
        SMS_SERVICE_ACCOUNTS.ID);
  }

  /** The spec's "service accounts for campaign": active services linked to {@code campaignId}. */
  public List<ServiceAccount> activeForCampaign(long campaignId) {
    return dsl.selectFrom(SMS_SERVICE_ACCOUNTS)
        .where(owned(), SMS_SERVICE_ACCOUNTS.LINKED_CAMPAIGN_ID.eq(campaignId), SMS_SERVICE_ACCOUNTS.IS_ACTIVE.isTrue())
        .orderBy(SMS_SERVICE_ACCOUNTS.CREATED_AT, SMS_SERVICE_ACCOUNTS.ID)
        .fetch(this::toDomain);
  }

  /** The service a provider knows by its own id (Twilio's {@code MessagingServiceSid}). */
  public java.util.Optional<ServiceAccount> findByProviderServiceSid(String providerServiceSid) {
    return dsl.selectFrom(SMS_SERVICE_ACCOUNTS)
        .where(owned(), SMS_SERVICE_ACCOUNTS.PROVIDER_SERVICE_SID.eq(providerServiceSid))
        .orderBy(SMS_SERVICE_ACCOUNTS.IS_ACTIVE.desc(), SMS_SERVICE_ACCOUNTS.CREATED_AT)
        .limit(1)
        .fetchOptional(this::toDomain);
  }

  /** The services over one sender account, oldest first. */
  public List<ServiceAccount> listBySenderAccount(UUID senderAccountId) {
    return dsl.selectFrom(SMS_SERVICE_ACCOUNTS)
        .where(owned(), SMS_SERVICE_ACCOUNTS.SENDER_ACCOUNT_ID.eq(senderAccountId))
        .orderBy(SMS_SERVICE_ACCOUNTS.CREATED_AT, SMS_SERVICE_ACCOUNTS.ID)
        .fetch(this::toDomain);
  }

  @Override
  ServiceAccount toDomain(SmsServiceAccountsRecord r) {
    return new ServiceAccount(r.getId(), r.getSenderAccountId(), r.getServiceName(),
        StoredEnum.fromDb(ServiceType.class, "service_type", r.getServiceType()), r.getProviderServiceSid(),
        json(r.getSettings()), r.getIsActive(), r.getLinkedCampaignId(), r.getLinkedProjectId(), r.getDescription(),
        r.getCreatedAt(), r.getUpdatedAt(), r.getFallbackSenderAccountId());
  }

  @Override
  void fill(SmsServiceAccountsRecord r, ServiceAccount s) {
    r.setId(s.id());
    r.setSenderAccountId(s.senderAccountId());
    r.setServiceName(s.serviceName());
    r.setServiceType(s.serviceType().dbValue());
    r.setProviderServiceSid(s.providerServiceSid());
    r.setSettings(JSONB.valueOf(s.settingsJson()));
    r.setIsActive(s.active());
    r.setLinkedCampaignId(s.linkedCampaignId());
    r.setLinkedProjectId(s.linkedProjectId());
    r.setDescription(s.description());
    r.setFallbackSenderAccountId(s.fallbackSenderAccountId());
    r.setCreatedAt(s.createdAt());
    r.setUpdatedAt(s.updatedAt());
  }

  @Override
  UUID idOf(ServiceAccount value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of(SMS_SERVICE_ACCOUNTS.CREATED_AT, SMS_SERVICE_ACCOUNTS.UPDATED_AT);
  }

  /** Sets the fallback account (null for none); nothing else of the service is written. */
  public ServiceAccount updateFallback(UUID id, @Nullable UUID fallbackAccountId) {
    return set(id, SMS_SERVICE_ACCOUNTS.FALLBACK_SENDER_ACCOUNT_ID, fallbackAccountId);
  }

  /** Activates or deactivates the service; nothing else of it is written. */
  public ServiceAccount updateActive(UUID id, boolean active) {
    return set(id, SMS_SERVICE_ACCOUNTS.IS_ACTIVE, active);
  }
}
