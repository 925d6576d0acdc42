package org.smskit.jooq.analysis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.TenantId;
import org.smskit.core.analysis.AnalyzerConfig;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.smskit.core.analysis.ConversationAnalyzerFactory;
import org.smskit.core.analysis.FallbackAnalyzer;
import org.smskit.core.crypto.DecryptionException;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.crypto.Secret;
import org.smskit.core.crypto.SecretContext;
import org.smskit.core.crypto.UnknownKeyException;
import org.smskit.jooq.internal.Credentials;

/**
 * The analyzer factories installed, and each tenant's analyzer: the offline {@code lexicon} analyzer unless the
 * tenant chose another ({@code sms_analyzer_settings}), which then runs behind a {@link FallbackAnalyzer} with the
 * lexicon analyzer as its fallback. Instances are kept per tenant until its settings change. Thread-safe.
 */
public final class Analyzers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Analyzers.class);
  static final String DEFAULT = "lexicon";
  private static final String TABLE = "sms_analyzer_settings";

  private final Map<String, ConversationAnalyzerFactory> factories;
  private final Credentials credentials;
  private final Clock clock;
  private final Map<String, Cached> byTenant = new ConcurrentHashMap<>();

  private record Cached(Instant version, ConversationAnalyzer analyzer) {}

  /** Internal to smskit: {@code SmsService} creates it. */
  public Analyzers(List<ConversationAnalyzerFactory> installed, Credentials credentials, Clock clock) {
    Map<String, ConversationAnalyzerFactory> byName = new TreeMap<>();
    for (ConversationAnalyzerFactory factory : installed) {
      if (byName.putIfAbsent(factory.name(), factory) != null) {
        throw new IllegalStateException("two conversation analyzers are named '" + factory.name() + "'");
      }
    }
    if (!byName.containsKey(DEFAULT)) {
      throw new IllegalStateException("the built-in '" + DEFAULT + "' analyzer is missing from the class path");
    }
    this.factories = Map.copyOf(byName);
    this.credentials = credentials;
    this.clock = clock;
  }

  /** The factories on the class path ({@code META-INF/services}), the built-in lexicon analyzer among them. */
  public static List<ConversationAnalyzerFactory> discover() {
    return ServiceLoader.load(ConversationAnalyzerFactory.class, Analyzers.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get).toList();
  }

  /**
   * Checks and stores {@code tenant}'s analyzer: the factory must be installed and accept the settings and secrets
   * (no network call); secrets are stored encrypted.
   */
  void use(AnalysisQueue queue, TenantId tenant, String name, Map<String, String> settings, Map<String, String> secrets) {
    ConversationAnalyzerFactory factory = factory(name);
    for (String secret : secrets.keySet()) {
      if (!factory.secretSettings().contains(secret)) {
        throw new InvalidInputException("secrets." + secret, "not a secret setting of analyzer '" + name + "'");
      }
    }
    for (String setting : settings.keySet()) {
      if (factory.secretSettings().contains(setting)) {
        throw new InvalidInputException("settings." + setting, "a secret: pass it among the secrets");
      }
    }
    Map<String, Secret> plain = new LinkedHashMap<>();
    secrets.forEach((k, v) -> plain.put(k, Secret.of(v)));
    factory.create(new AnalyzerConfig(settings, plain, clock)).close(); // refuses what it cannot use
    Map<String, String> encrypted = new TreeMap<>();
    secrets.forEach((k, v) -> encrypted.put(k, credentials.encrypt(v, context(tenant, k)).format()));
    queue.saveAnalyzer(tenant.value(), name, settings, encrypted, clock.instant());
  }

  /** What a rotation of a tenant's analyzer secrets did. */
  record Rotated(int rewritten, List<String> unreadable) {}

  /**
   * Re-encrypts {@code tenant}'s analyzer secrets that are not under the active key, written only if they did not
   * change meanwhile; a secret that cannot be decrypted is left as it is and named.
   */
  Rotated rotate(AnalysisQueue queue, TenantId tenant) {
    var row = queue.analyzer(tenant.value());
    if (row.isEmpty() || row.get().secrets().isEmpty()) {
      return new Rotated(0, List.of());
    }
    Map<String, String> stored = row.get().secrets();
    Map<String, String> next = new TreeMap<>(stored);
    List<String> unreadable = new ArrayList<>();
    int rewritten = 0;
    for (var secret : stored.entrySet()) {
      EncryptedValue value = EncryptedValue.parse("secrets." + secret.getKey(), secret.getValue());
      if (!credentials.cipher().needsRotation(value)) {
        continue;
      }
      try {
        next.put(secret.getKey(), credentials.reencrypt(value, context(tenant, secret.getKey())).format());
        rewritten++;
      } catch (DecryptionException | UnknownKeyException e) {
        unreadable.add(secret.getKey());
        log.warn("smskit left an analyzer secret it cannot read as it is: {}", e.getMessage());
      }
    }
    if (rewritten > 0 && !queue.replaceSecrets(tenant.value(), stored, next)) {
      rewritten = 0; // changed meanwhile, and so written under the active key by whoever changed it
    }
    return new Rotated(rewritten, List.copyOf(unreadable));
  }

  /** {@code tenant}'s analyzer as its stored settings say (cached until they change). */
  ConversationAnalyzer forTenant(AnalysisQueue queue, String tenant) {
    var row = queue.analyzer(tenant);
    Instant version = row.map(AnalysisQueue.StoredAnalyzer::updatedAt).orElse(Instant.EPOCH);
    Cached cached = byTenant.get(tenant);
    if (cached != null && cached.version().equals(version)) {
      return cached.analyzer();
    }
    ConversationAnalyzer lexicon = factory(DEFAULT).create(new AnalyzerConfig(Map.of(), Map.of(), clock));
    ConversationAnalyzer analyzer = lexicon;
    if (row.isPresent() && !row.get().analyzer().equals(DEFAULT)) {
      Map<String, Secret> secrets = new LinkedHashMap<>();
      row.get().secrets().forEach((k, v) -> secrets.put(k, Secret.of(credentials.cipher()
          .decrypt(EncryptedValue.parse("secrets." + k, v), context(TenantId.of(tenant), k)))));
      ConversationAnalyzer primary = factory(row.get().analyzer())
          .create(new AnalyzerConfig(row.get().settings(), secrets, clock));
      analyzer = FallbackAnalyzer.of(primary, lexicon);
    } else if (row.isPresent()) {
      lexicon.close();
      analyzer = factory(DEFAULT).create(new AnalyzerConfig(row.get().settings(), Map.of(), clock));
    }
    Cached previous = byTenant.put(tenant, new Cached(version, analyzer));
    if (previous != null) {
      previous.analyzer().close();
    }
    return analyzer;
  }

  private ConversationAnalyzerFactory factory(String name) {
    ConversationAnalyzerFactory factory = factories.get(name);
    if (factory == null) {
      throw new InvalidInputException("analyzer", "not installed: '" + name + "' (installed: "
          + String.join(", ", factories.keySet()) + ")");
    }
    return factory;
  }

  /** A secret's encryption context: its tenant, this table, its name; the row id is derived from the tenant. */
  private static SecretContext context(TenantId tenant, String name) {
    UUID row = UUID.nameUUIDFromBytes((TABLE + ":" + tenant.value()).getBytes(StandardCharsets.UTF_8));
    return SecretContext.of(tenant, TABLE, "secrets_" + name.toLowerCase(java.util.Locale.ROOT), row);
  }

  @Override
  public void close() {
    byTenant.values().forEach(c -> c.analyzer().close());
    byTenant.clear();
  }
}
