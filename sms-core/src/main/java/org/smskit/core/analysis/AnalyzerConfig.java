package org.smskit.core.analysis;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.smskit.core.Require;
import org.smskit.core.crypto.Secret;

/**
 * What an analyzer is configured from: plain settings by name (each factory documents the keys it reads and
 * refuses others), secrets decrypted by name, and the clock.
 */
public record AnalyzerConfig(Map<String, String> settings, Map<String, Secret> secrets, Clock clock) {

  public AnalyzerConfig {
    settings = Map.copyOf(Require.nonNull(settings, "settings"));
    secrets = Map.copyOf(Require.nonNull(secrets, "secrets"));
    Require.nonNull(clock, "clock");
  }

  /** Settings alone, on the system clock. */
  public static AnalyzerConfig of(Map<String, String> settings) {
    return new AnalyzerConfig(settings, Map.of(), Clock.systemUTC());
  }

  public Optional<String> setting(String name) {
    return Optional.ofNullable(settings.get(name));
  }

  public Optional<Secret> secret(String name) {
    return Optional.ofNullable(secrets.get(name));
  }
}
