package org.smskit.core.model;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;

/**
 * A messaging service ({@code sms_service_accounts}): a named purpose (support, a campaign...) over a sender
 * account, optionally linked to a host campaign or project.
 *
 * @param providerServiceSid the provider's own service id, such as Twilio's {@code MessagingServiceSid}
 * @param settingsJson a JSON object
 * @param fallbackSenderAccountId the account the dispatcher sends through while this service's own account keeps
 *     failing (its circuit is open)
 */
public record ServiceAccount(
    UUID id,
    UUID senderAccountId,
    String serviceName,
    ServiceType serviceType,
    @Nullable String providerServiceSid,
    String settingsJson,
    boolean active,
    @Nullable Long linkedCampaignId,
    @Nullable Long linkedProjectId,
    @Nullable String description,
    @Nullable Instant createdAt,
    @Nullable Instant updatedAt,
    @Nullable UUID fallbackSenderAccountId) {

  public ServiceAccount {
    Require.nonNull(id, "id");
    Require.nonNull(senderAccountId, "sender_account_id");
    Require.nonNull(serviceName, "service_name");
    Require.nonNull(serviceType, "service_type");
    Require.nonNull(settingsJson, "settings");
  }

  /** A new, active service with a fresh id, no links and no settings. */
  public static ServiceAccount create(UUID senderAccountId, String serviceName, ServiceType serviceType) {
    return new ServiceAccount(Ids.newId(), senderAccountId, serviceName, serviceType, null, "{}", true, null, null,
        null, null, null, null);
  }

  public ServiceAccount withProviderServiceSid(@Nullable String sid) {
    return new ServiceAccount(id, senderAccountId, serviceName, serviceType, sid, settingsJson, active,
        linkedCampaignId, linkedProjectId, description, createdAt, updatedAt, fallbackSenderAccountId);
  }

  public ServiceAccount withLinks(@Nullable Long campaignId, @Nullable Long projectId) {
    return new ServiceAccount(id, senderAccountId, serviceName, serviceType, providerServiceSid, settingsJson, active,
        campaignId, projectId, description, createdAt, updatedAt, fallbackSenderAccountId);
  }

  public ServiceAccount withActive(boolean isActive) {
    return new ServiceAccount(id, senderAccountId, serviceName, serviceType, providerServiceSid, settingsJson,
        isActive, linkedCampaignId, linkedProjectId, description, createdAt, updatedAt, fallbackSenderAccountId);
  }

  public ServiceAccount withSettingsJson(String json) {
    return new ServiceAccount(id, senderAccountId, serviceName, serviceType, providerServiceSid, json, active,
        linkedCampaignId, linkedProjectId, description, createdAt, updatedAt, fallbackSenderAccountId);
  }

  /** Names the account to send through while this service's own account fails; null for none. */
  public ServiceAccount withFallbackSenderAccountId(@Nullable UUID accountId) {
    return new ServiceAccount(id, senderAccountId, serviceName, serviceType, providerServiceSid, settingsJson, active,
        linkedCampaignId, linkedProjectId, description, createdAt, updatedAt, accountId);
  }

  public ServiceAccount withDescription(@Nullable String text) {
    return new ServiceAccount(id, senderAccountId, serviceName, serviceType, providerServiceSid, settingsJson, active,
        linkedCampaignId, linkedProjectId, text, createdAt, updatedAt, fallbackSenderAccountId);
  }
}
