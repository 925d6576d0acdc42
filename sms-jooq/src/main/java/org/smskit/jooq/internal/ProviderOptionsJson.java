package org.smskit.jooq.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.tools.json.JSONParser;
import org.jooq.tools.json.JSONValue;
import org.jooq.tools.json.ParseException;
import org.smskit.core.Nullable;
import org.smskit.core.spi.ProviderOptions;

/**
 * The stored form of {@link ProviderOptions} (column {@code sms_messages.provider_options}):
 * {@code {"validity": "PT10M", "raw": {"twilio": {"ContentSid": "HX..."}}}}, null for no options.
 */
public final class ProviderOptionsJson {
  private ProviderOptionsJson() {}

  public static @Nullable String write(ProviderOptions options) {
    if (options.isEmpty()) {
      return null;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    if (options.validity() != null) {
      json.put("validity", options.validity().toString());
    }
    if (!options.raw().isEmpty()) {
      Map<String, Object> raw = new TreeMap<>();
      options.raw().forEach((provider, parameters) -> raw.put(provider, new TreeMap<>(parameters)));
      json.put("raw", raw);
    }
    return JSONValue.toJSONString(json);
  }

  /**
   * The options stored as {@code json}; none for null.
   *
   * @throws IllegalStateException when the stored text is not what {@link #write} writes
   */
  public static ProviderOptions read(@Nullable String json) {
    if (json == null || json.isBlank()) {
      return ProviderOptions.NONE;
    }
    try {
      Map<?, ?> root = (Map<?, ?>) new JSONParser().parse(json);
      ProviderOptions.Builder options = ProviderOptions.builder();
      Object validity = root.get("validity");
      if (validity != null) {
        options.validity(Duration.parse((String) validity));
      }
      Object raw = root.get("raw");
      if (raw != null) {
        ((Map<?, ?>) raw).forEach((provider, parameters) -> ((Map<?, ?>) parameters).forEach((name, value) ->
            options.raw((String) provider, (String) name, (String) value)));
      }
      return options.build();
    } catch (ParseException | ClassCastException | DateTimeParseException e) {
      throw new IllegalStateException("stored provider options are not readable: " + e, e);
    }
  }
}
