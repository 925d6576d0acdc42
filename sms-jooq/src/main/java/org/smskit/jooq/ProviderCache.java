package org.smskit.jooq;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.crypto.Secret;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.repository.SenderAccountRepository.SplitSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider instance per sender account (each holds one HTTP client and its connection pool), rebuilt when
 * the account changes, closed with the service.
 */
final class ProviderCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProviderCache.class);

  private record Key(TenantId tenant, UUID accountId) {}

  private record Entry(Instant version, SmsProvider provider) {}

  private final SmsProviders providers;
  private final Credentials credentials;
  private final Clock clock;
  private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

  ProviderCache(SmsProviders providers, Credentials credentials, Clock clock) {
    this.providers = providers;
    this.credentials = credentials;
    this.clock = clock;
  }

  /** The provider of {@code account}, creating it (and decrypting its secrets) when needed. */
  SmsProvider provider(TenantId tenant, SenderAccount account, Repositories r) {
    Key key = new Key(tenant, account.id());
    Entry entry = cache.get(key);
    if (entry != null && Objects.equals(entry.version(), account.updatedAt())) {
      return entry.provider();
    }
    SmsProvider created = create(tenant, account, r);
    Entry previous = cache.put(key, new Entry(account.updatedAt(), created));
    if (previous != null) {
      closeQuietly(previous.provider());
    }
    return created;
  }

  private SmsProvider create(TenantId tenant, SenderAccount account, Repositories r) {
    SplitSettings settings = r.senderAccounts().splitSettings(account.id());
    Map<String, Secret> secrets = new LinkedHashMap<>();
    settings.secrets().forEach((name, value) -> secrets.put(name, Secret.of(
        credentials.cipher().decrypt(value, Credentials.settingContext(tenant, account.id(), name)))));
    EncryptedValue token = account.authToken();
    Secret authToken = token == null ? null
        : Secret.of(credentials.cipher().decrypt(token, Credentials.tokenContext(tenant, account.id())));
    ProviderConfig config = new ProviderConfig(account.accountSid(), authToken, settings.plainJson(), clock, secrets);
    log.debug("smskit created a {} provider for account {}", account.provider(), account.id());
    return providers.create(account.provider(), config);
  }

  @Override
  public void close() {
    cache.values().forEach(e -> closeQuietly(e.provider()));
    cache.clear();
  }

  private static void closeQuietly(SmsProvider provider) {
    try {
      provider.close();
    } catch (Exception e) {
      log.warn("smskit could not close a {} provider: {}", provider.name(), e.toString());
    }
  }
}
