package org.smskit.jooq.accounts;

import java.util.Map;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.SmsProvider;
import org.smskit.jooq.internal.Credentials;
import org.smskit.jooq.internal.JsonObjects;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;

/**
 * Provider accounts, their numbers and messaging services, and their encrypted credentials.
 * Used through {@code SmsService}, which documents each operation; one instance acts for one tenant.
 */
public final class Accounts {
  private final SmsContext ctx;
  private final TenantId tenant;

  /** Internal to smskit: {@code SmsService} creates it. */
  public Accounts(SmsContext ctx, TenantId tenant) {
    this.ctx = ctx;
    this.tenant = tenant;
  }

  public SenderAccount registerSenderAccount(String name, String provider, @Nullable String accountSid,
      @Nullable String authToken, String settingsJson, Map<String, String> secretSettings) {
    Require.nonNull(provider, "provider");
    JsonObjects.require("settings", Require.nonNull(settingsJson, "settings"));
    Require.nonNull(secretSettings, "settings");
    Credentials.checkSettingNames(secretSettings.keySet());
    ctx.providers().validate(provider,
        ctx.providers().draftConfig(accountSid, authToken, settingsJson, secretSettings));
    SenderAccount draft = SenderAccount.create(name, provider, accountSid, null);
    SenderAccount account = draft
        .withAuthToken(ctx.credentials().encryptToken(tenant, draft.id(), authToken))
        .withSettingsJson(ctx.credentials().withSecretSettings(tenant, draft.id(), settingsJson, secretSettings));
    return change(tx -> tx.r().senderAccounts().insert(account));
  }

  public SenderAccount registerSenderAccount(String name, String provider, @Nullable String accountSid,
      @Nullable String authToken) {
    return registerSenderAccount(name, provider, accountSid, authToken, "{}", Map.of());
  }

  public SenderAccount updateAuthToken(UUID accountId, String authToken) {
    EncryptedValue token = ctx.credentials().encryptToken(tenant, accountId, Require.nonNull(authToken, "auth_token"));
    return change(tx -> tx.r().senderAccounts().updateAuthToken(accountId, token));
  }

  public SenderAccount updateSenderAccount(UUID accountId, String name, String settingsJson) {
    JsonObjects.require("settings", Require.nonNull(settingsJson, "settings"));
    return change(tx -> {
      var accounts = tx.r().senderAccounts();
      // Locked, so that a rotation committing meanwhile cannot have its secrets put back under the old key.
      SenderAccount current = accounts.lock(accountId);
      var stored = accounts.splitSettings(accountId).secrets();
      ctx.providers().validate(current.provider(),
          ctx.providers().storedConfig(tenant, current, stored, settingsJson));
      Map<String, String> secrets = new java.util.LinkedHashMap<>();
      stored.forEach((k, v) -> secrets.put(k, v.format()));
      return accounts.updateNameAndSettings(accountId, name, Credentials.withStrings(settingsJson, secrets));
    });
  }

  public SenderAccount deactivateSenderAccount(UUID accountId) {
    return change(tx -> tx.r().senderAccounts().updateActive(accountId, false));
  }

  public SenderPhoneNumber addPhoneNumber(UUID accountId, String number, @Nullable String friendlyName,
      boolean primary) {
    PhoneNumber e164 = ctx.phones().parse("phone_number", number, null);
    return change(tx -> {
      tx.r().senderAccounts().get(accountId);
      if (primary) {
        demotePrimary(tx, accountId);
      }
      return tx.r().phoneNumbers().insert(SenderPhoneNumber.create(accountId, e164, friendlyName, primary));
    });
  }

  public SenderPhoneNumber makePrimary(UUID numberId) {
    return change(tx -> {
      SenderPhoneNumber number = tx.r().phoneNumbers().get(numberId);
      demotePrimary(tx, number.accountId());
      return tx.r().phoneNumbers().updatePrimary(numberId, true);
    });
  }

  public SenderPhoneNumber deactivatePhoneNumber(UUID numberId) {
    return change(tx -> tx.r().phoneNumbers().updateActive(numberId, false));
  }

  private static void demotePrimary(Tx tx, UUID accountId) {
    tx.r().phoneNumbers().listByAccount(accountId).stream().filter(SenderPhoneNumber::primary)
        .forEach(p -> tx.r().phoneNumbers().updatePrimary(p.id(), false));
  }

  public ServiceAccount createService(UUID senderAccountId, String name, ServiceType type,
      @Nullable String providerServiceSid, @Nullable Long campaignId, @Nullable Long projectId) {
    ServiceAccount service = ServiceAccount.create(senderAccountId, name, type)
        .withProviderServiceSid(providerServiceSid).withLinks(campaignId, projectId);
    return change(tx -> tx.r().serviceAccounts().insert(service));
  }

  public ServiceAccount updateService(ServiceAccount service) {
    JsonObjects.require("settings", Require.nonNull(service, "service").settingsJson());
    return change(tx -> tx.r().serviceAccounts().updateIfUnchanged(service, service.updatedAt()));
  }

  public ServiceAccount setFallbackAccount(UUID serviceId, @Nullable UUID fallbackAccountId) {
    return change(tx -> {
      if (fallbackAccountId != null) {
        tx.r().senderAccounts().get(fallbackAccountId);
      }
      return tx.r().serviceAccounts().updateFallback(serviceId, fallbackAccountId);
    });
  }

  public ServiceAccount deactivateService(UUID serviceId) {
    return change(tx -> tx.r().serviceAccounts().updateActive(serviceId, false));
  }

  public RotationReport rotateCredentials() {
    ctx.credentials().requireActiveKey();
    return change(tx -> Rotation.rotate(ctx.credentials(), tx));
  }

  public SmsProvider provider(UUID senderAccountId) {
    return ctx.read(tenant,
        r -> ctx.providers().provider(tenant, r.senderAccounts().get(senderAccountId), r));
  }

  /** Every change of an account, number or service goes through here: the sender directory forgets the tenant. */
  private <T> T change(java.util.function.Function<Tx, T> work) {
    try {
      return ctx.write(tenant, work);
    } finally {
      ctx.senders().forget(tenant);
    }
  }
}
