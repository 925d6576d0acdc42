package org.smskit.core.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Require;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider factories known to an application, by name. Register them explicitly with {@link #of}, or find
 * those on the class path with {@link #discover()} (slf4j's rules: one class loader, a clear error when two
 * factories claim one name, one log line naming what was found). Explicit registration is the documented path.
 * Immutable.
 */
public final class SmsProviders {
  private static final Logger log = LoggerFactory.getLogger(SmsProviders.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,49}");

  private final Map<String, SmsProviderFactory> factories;

  private SmsProviders(Map<String, SmsProviderFactory> factories) {
    this.factories = Collections.unmodifiableMap(factories);
  }

  /** Exactly these factories. */
  public static SmsProviders of(SmsProviderFactory... factories) {
    Map<String, SmsProviderFactory> byName = new LinkedHashMap<>();
    for (SmsProviderFactory factory : factories) {
      add(byName, Require.nonNull(factory, "factory"));
    }
    return new SmsProviders(byName);
  }

  /** The factories listed in {@code META-INF/services} on smskit's own class loader. */
  public static SmsProviders discover() {
    return discover(SmsProviders.class.getClassLoader());
  }

  /**
   * The factories listed in {@code META-INF/services} visible to {@code loader}. A factory that fails to load is
   * reported and skipped; two factories with one name are an error.
   */
  public static SmsProviders discover(ClassLoader loader) {
    Map<String, SmsProviderFactory> byName = new LinkedHashMap<>();
    var iterator = ServiceLoader.load(SmsProviderFactory.class, loader).iterator();
    while (true) {
      try {
        if (!iterator.hasNext()) {
          break;
        }
        add(byName, iterator.next());
      } catch (ServiceConfigurationError e) {
        log.warn("smskit skipped a provider that failed to load: {}", e.getMessage());
      }
    }
    log.info("smskit providers found: {}", byName.keySet());
    return new SmsProviders(byName);
  }

  /** These factories plus {@code factory}, which replaces one of the same name. */
  public SmsProviders with(SmsProviderFactory factory) {
    Map<String, SmsProviderFactory> copy = new LinkedHashMap<>(factories);
    copy.remove(Require.nonNull(factory, "factory").name());
    add(copy, factory);
    return new SmsProviders(copy);
  }

  public Set<String> names() {
    return factories.keySet();
  }

  /**
   * @throws InvalidInputException naming {@code provider} when no factory has that name
   */
  public SmsProviderFactory factory(String name) {
    SmsProviderFactory factory = factories.get(name);
    if (factory == null) {
      throw new InvalidInputException("provider", "no provider named '" + name + "' is installed (installed: "
          + factories.keySet() + ")");
    }
    return factory;
  }

  /** A provider of kind {@code name} for one account. */
  public SmsProvider create(String name, ProviderConfig config) {
    return factory(name).create(config);
  }

  private static void add(Map<String, SmsProviderFactory> byName, SmsProviderFactory factory) {
    String name = factory.name();
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidInputException("provider", factory.getClass().getName() + " has an invalid name '" + name
          + "' (lower case: [a-z][a-z0-9_-]*)");
    }
    SmsProviderFactory previous = byName.putIfAbsent(name, factory);
    if (previous != null && previous.getClass() != factory.getClass()) {
      throw new InvalidInputException("provider", "two providers are named '" + name + "': "
          + previous.getClass().getName() + " and " + factory.getClass().getName());
    }
  }
}
