package org.smskit.jooq.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.crypto.DecryptionException;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.crypto.KeyMismatchException;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.SecretCipher;
import org.smskit.core.crypto.SecretContext;
import org.smskit.jooq.repository.KeyCheckRepository.StoredSecret;
import org.smskit.jooq.repository.KeyCheckRepository;
import org.smskit.jooq.repository.SmsDatabase;

/**
 * Proves that this node's keys are the installation's keys before it relies on them: per key id, the check value
 * in {@code sms_key_checks} must decrypt under the key held here (the first node to meet a key id stores one), and
 * one stored credential per key id must decrypt. A key id verified once is remembered for the life of the service.
 */
public final class KeyChecks {
  private static final Logger log = LoggerFactory.getLogger(KeyChecks.class);

  private final SmsDatabase db;
  private final KeyProvider keys;
  private final SecretCipher cipher;
  private final Set<String> verified = ConcurrentHashMap.newKeySet();

  public KeyChecks(SmsDatabase db, KeyProvider keys, SecretCipher cipher) {
    this.db = db;
    this.keys = keys;
    this.cipher = cipher;
  }

  /** Every key the provider holds, and a stored credential of every key id in use (any tenant). */
  public void verifyAll() {
    verify(keys.keyIds(), null);
  }

  /**
   * The active key, once: called before anything is encrypted, so that a node whose key differs under the active
   * id never writes a credential the other nodes cannot read. Runs its own short transaction the first time.
   */
  public void requireActive() {
    String active = cipher.activeKeyId();
    if (!verified.contains(active)) {
      verify(Set.of(active), active);
    }
  }

  /**
   * One transaction: check values compared (or stored) for {@code keyIds}, then the samples of {@code sampleKeyId}
   * (null: of every key id in use) decrypted. Nothing is remembered, and no check value stored, unless all pass.
   */
  private void verify(Collection<String> keyIds, @Nullable String sampleKeyId) {
    List<String> checked = db.inTransactionAcrossTenants(dsl -> {
      KeyCheckRepository checks = KeyCheckRepository.across(dsl);
      List<String> ids = new ArrayList<>();
      for (String keyId : keyIds) {
        EncryptedValue stored = checks.insertIfAbsent(keyId, cipher.keyCheck(keyId));
        if (!cipher.matchesKeyCheck(keyId, stored)) {
          throw new KeyMismatchException(keyId, "differs from the key '" + keyId + "' that encrypted the stored"
              + " credentials (its check value in sms_key_checks does not decrypt); configure the same key under"
              + " this id on every node");
        }
        ids.add(keyId);
      }
      for (StoredSecret sample : checks.onePerKeyId(sampleKeyId)) {
        decryptSample(sample); // a key id the provider lacks fails here with UnknownKeyException, naming it
      }
      return ids;
    });
    verified.addAll(checked);
    log.info("smskit verified encryption keys {} against the stored key checks", checked);
  }

  private void decryptSample(StoredSecret sample) {
    SecretContext where = sample.setting() == null
        ? Credentials.tokenContext(sample.tenant(), sample.accountId())
        : Credentials.settingContext(sample.tenant(), sample.accountId(), sample.setting());
    try {
      cipher.decrypt(sample.value(), where);
    } catch (DecryptionException e) {
      String keyId = sample.value().keyId();
      throw new KeyMismatchException(keyId, "cannot decrypt the stored credentials (tenant '"
          + sample.tenant().value() + "', sender account " + sample.accountId() + ", "
          + (sample.setting() == null ? "auth_token" : "setting " + sample.setting()) + "): it differs from the key '"
          + keyId + "' that encrypted them, or the stored value was altered", e);
    }
  }
}
