package org.smskit.core.spi;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;

/**
 * Per-message provider options, as a sender asks for them: typed options whose meaning providers share, and per
 * provider a map of the provider's own wire parameters (the escape hatch). Build with {@link #builder()}:
 *
 * <pre>{@code
 * ProviderOptions.builder().validity(Duration.ofMinutes(10)).raw("twilio", "ContentSid", "HX...").build()
 * }</pre>
 *
 * <p>A provider reads the typed options and its own raw map ({@link #raw(String)}) and ignores the maps of other
 * providers, so one request may carry options for several (for failover). Each provider checks them with
 * {@link SmsProvider#validateOptions} and documents the parameters it passes through.
 *
 * @param validity how long the provider may keep trying to deliver (Twilio {@code ValidityPeriod}, Vonage
 *     {@code ttl}); null for the provider's default
 * @param raw per provider name (lower case, as {@link SmsProvider#name()}), wire parameters by name
 */
public record ProviderOptions(@Nullable Duration validity, Map<String, Map<String, String>> raw) {
  /** No options. */
  public static final ProviderOptions NONE = new ProviderOptions(null, Map.of());

  private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

  public ProviderOptions {
    if (validity != null && (validity.isNegative() || validity.isZero())) {
      throw new InvalidInputException("options.validity", "must be positive");
    }
    Map<String, Map<String, String>> copy = new TreeMap<>();
    Require.nonNull(raw, "options").forEach((provider, parameters) -> {
      if (provider == null || !PROVIDER_NAME.matcher(provider).matches()) {
        throw new InvalidInputException("options", "a provider name must be lower case, like twilio (was "
            + provider + ")");
      }
      Require.nonNull(parameters, "options." + provider).forEach((name, value) -> {
        if (name == null || name.isBlank() || value == null) {
          throw new InvalidInputException("options." + provider, "parameter names and values must not be null"
              + " or blank names");
        }
      });
      if (!parameters.isEmpty()) {
        copy.put(provider, Map.copyOf(parameters));
      }
    });
    raw = Map.copyOf(copy);
  }

  /** The raw parameters for {@code provider}; empty when none were given. */
  public Map<String, String> raw(String provider) {
    return raw.getOrDefault(provider, Map.of());
  }

  public boolean isEmpty() {
    return validity == null && raw.isEmpty();
  }

  /**
   * The message for {@code provider}: the typed options and that provider's raw parameters set on a copy of
   * {@code message} (whose own options are replaced).
   */
  public OutboundMessage applyTo(OutboundMessage message, String provider) {
    return message.toBuilder().validity(validity).options(raw(provider)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link ProviderOptions}. Defaults: no validity, no raw parameters. Not thread-safe. */
  public static final class Builder {
    private @Nullable Duration validity;
    private final Map<String, Map<String, String>> raw = new LinkedHashMap<>();

    private Builder() {}

    public Builder validity(@Nullable Duration value) { validity = value; return this; }

    /** Adds one wire parameter of {@code provider} ({@code raw("twilio", "ContentSid", "HX...")}). */
    public Builder raw(String provider, String name, String value) {
      raw.computeIfAbsent(provider, p -> new LinkedHashMap<>()).put(name, value);
      return this;
    }

    /** Adds every parameter of {@code parameters} for {@code provider}. */
    public Builder raw(String provider, Map<String, String> parameters) {
      parameters.forEach((name, value) -> raw(provider, name, value));
      return this;
    }

    /** @throws InvalidInputException for a non-positive validity or a malformed provider or parameter name */
    public ProviderOptions build() {
      return new ProviderOptions(validity, raw);
    }
  }
}
