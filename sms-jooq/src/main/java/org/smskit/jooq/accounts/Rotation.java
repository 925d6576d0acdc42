package org.smskit.jooq.accounts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.DecryptionException;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.crypto.SecretContext;
import org.smskit.core.crypto.UnknownKeyException;
import org.smskit.core.model.SenderAccount;
import org.smskit.jooq.internal.Credentials;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.SenderAccountRepository;

/** Key rotation of one tenant's stored credentials (see {@link org.smskit.jooq.SmsService#rotateCredentials()}). */
final class Rotation {
  private static final Logger log = LoggerFactory.getLogger(Rotation.class);

  /** One stored value, where it lives, and how to replace it if it is still what was read. */
  private record Stored(EncryptedValue value, SecretContext context, Predicate<EncryptedValue> replaceIfUnchanged) {}

  private Rotation() {}

  static RotationReport rotate(Credentials credentials, Tx tx) {
    SenderAccountRepository accounts = tx.r().senderAccounts();
    int rewritten = 0;
    int unreadable = 0;
    Set<UUID> unreadableAccounts = new LinkedHashSet<>();
    for (SenderAccount account : accounts.listAll()) {
      for (Stored stored : storedValues(accounts, tx.tenant(), account)) {
        if (!credentials.cipher().needsRotation(stored.value())) {
          continue;
        }
        EncryptedValue next;
        try {
          next = credentials.reencrypt(stored.value(), stored.context());
        } catch (DecryptionException | UnknownKeyException e) {
          unreadable++;
          unreadableAccounts.add(account.id());
          // The message names the key id and where the value lives (tenant, column, account), never the value.
          log.warn("smskit left a credential it cannot read as it is: {}", e.getMessage());
          continue;
        }
        // Not rewritten when it changed since it was read: whoever changed it wrote it under the active key.
        if (stored.replaceIfUnchanged().test(next)) {
          rewritten++;
        }
      }
    }
    return new RotationReport(rewritten, unreadable, List.copyOf(unreadableAccounts), List.of());
  }

  private static List<Stored> storedValues(SenderAccountRepository accounts, TenantId tenant, SenderAccount account) {
    UUID id = account.id();
    List<Stored> values = new ArrayList<>();
    EncryptedValue token = account.authToken();
    if (token != null) {
      values.add(new Stored(token, Credentials.tokenContext(tenant, id),
          next -> accounts.replaceAuthToken(id, token, next)));
    }
    accounts.splitSettings(id).secrets().forEach((name, value) -> values.add(new Stored(value,
        Credentials.settingContext(tenant, id, name), next -> accounts.replaceSecretSetting(id, name, value, next))));
    return values;
  }
}
