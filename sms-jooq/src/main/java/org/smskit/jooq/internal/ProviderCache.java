package org.smskit.jooq.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.crypto.Secret;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviderFactory;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.repository.SenderAccountRepository.SplitSettings;

/**
 * One provider instance per sender account (each holds one HTTP client and its connection pool), rebuilt when
 * the account changes, closed with the service.
 */
public final class ProviderCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProviderCache.class);

  private record Key(TenantId tenant, UUID accountId) {}

  private record Entry(Instant version, SmsProvider provider) {}

  private final SmsProviders providers;
  private final Credentials credentials;
  private final Clock clock;
  private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

  public ProviderCache(SmsProviders providers, Credentials credentials, Clock clock) {
    this.providers = providers;
    this.credentials = credentials;
    this.clock = clock;
  }

  /** The provider of {@code account}, creating it (and decrypting its secrets) when needed. */
  public SmsProvider provider(TenantId tenant, SenderAccount account, Repositories r) {
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
    ProviderConfig config = storedConfig(tenant, account, settings.secrets(), settings.plainJson());
    log.debug("smskit created a {} provider for account {}", account.provider(), account.id());
    return providers.create(account.provider(), config);
  }

  /** The configuration of a stored account, its secrets decrypted, with {@code plainJson} as plain settings. */
  public ProviderConfig storedConfig(TenantId tenant, SenderAccount account, Map<String, EncryptedValue> secretSettings,
      String plainJson) {
    Map<String, Secret> secrets = new LinkedHashMap<>();
    secretSettings.forEach((name, value) -> secrets.put(name, Secret.of(
        credentials.cipher().decrypt(value, Credentials.settingContext(tenant, account.id(), name)))));
    EncryptedValue token = account.authToken();
    Secret authToken = token == null ? null
        : Secret.of(credentials.cipher().decrypt(token, Credentials.tokenContext(tenant, account.id())));
    return ProviderConfig.builder().accountSid(account.accountSid()).authToken(authToken).settingsJson(plainJson)
        .clock(clock).secrets(secrets).build();
  }

  /** The configuration of an account not stored yet, from its values as given. */
  public ProviderConfig draftConfig(@Nullable String accountSid, @Nullable String authToken, String plainJson,
      Map<String, String> secretSettings) {
    Map<String, Secret> secrets = new LinkedHashMap<>();
    secretSettings.forEach((name, value) -> secrets.put(name, Secret.of(Require.nonNull(value, "settings." + name))));
    return ProviderConfig.builder().accountSid(accountSid).authToken(authToken == null ? null : Secret.of(authToken))
        .settingsJson(plainJson).clock(clock).secrets(secrets).build();
  }

  /**
   * Checks an account's configuration before it is stored, so that a mistake is reported now rather than at the
   * first send: the provider must be installed, none of its secret settings may sit in the plain settings (they
   * would be stored unencrypted), and its factory must accept the configuration ({@code validate}, no network).
   *
   * @throws InvalidInputException on {@code provider} naming the installed providers, on {@code settings.<name>}
   *     for a secret in the plain settings, or as the factory reports
   */
  public void validate(String provider, ProviderConfig config) {
    SmsProviderFactory factory = providers.factory(provider);
    Set<String> plain = JsonObjects.keys("settings", config.settingsJson());
    for (String secret : factory.secretSettings()) {
      for (String key : plain) {
        if (key.equalsIgnoreCase(secret)) {
          throw new InvalidInputException("settings." + key, "must be registered as a secret setting (it is a"
              + " secret of the " + provider + " provider, and plain settings are stored unencrypted)");
        }
      }
    }
    for (String name : config.secrets().keySet()) {
      if (plain.contains(name)) {
        throw new InvalidInputException("settings." + name, "is given both as a plain and as a secret setting");
      }
    }
    factory.validate(config);
  }

  /** The provider of {@code account} when one was already created for this version of it. */
  public Optional<SmsProvider> cached(TenantId tenant, SenderAccount account) {
    Entry entry = cache.get(new Key(tenant, account.id()));
    return entry != null && Objects.equals(entry.version(), account.updatedAt())
        ? Optional.of(entry.provider()) : Optional.empty();
  }

  /** True when a provider of that name is installed. */
  public boolean installed(String provider) {
    return providers.names().contains(provider);
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
