package org.smskit.core.spi;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.smskit.core.Require;

/**
 * An HTTP request a provider made to the host's webhook, as the host received it, with {@link #url()} being the
 * URL <em>the provider called</em>: the public URL (scheme, host, port, path and query) before any proxy or load
 * balancer rewrote it. Signatures are computed over that URL, so hosts behind a proxy build it from their
 * configured public base URL, never from {@code X-Forwarded-*} headers they do not control.
 *
 * <p>{@link #toString()} shows the method, path and body size only: bodies carry phone numbers and texts.
 */
public final class WebhookRequest {
  private final String method;
  private final URI url;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  private WebhookRequest(String method, URI url, Map<String, List<String>> headers, byte[] body) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.body = body;
  }

  /**
   * @param headers header names are matched without regard to case
   */
  public static WebhookRequest of(String method, URI url, Map<String, List<String>> headers, byte[] body) {
    Require.nonNull(method, "method");
    Require.nonNull(url, "url");
    Require.nonNull(headers, "headers");
    Require.nonNull(body, "body");
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, values) -> copy.merge(name, List.copyOf(values), (a, b) -> {
      List<String> all = new java.util.ArrayList<>(a);
      all.addAll(b);
      return List.copyOf(all);
    }));
    return new WebhookRequest(method.toUpperCase(Locale.ROOT), url, java.util.Collections.unmodifiableMap(copy),
        body.clone());
  }

  /** A form-encoded POST, as Twilio and the simulated provider send them. */
  public static WebhookRequest form(URI url, Map<String, String> headers, Map<String, List<String>> parameters) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    h.put("Content-Type", List.of("application/x-www-form-urlencoded"));
    return of("POST", url, h, FormEncoding.encode(parameters).getBytes(StandardCharsets.UTF_8));
  }

  public String method() {
    return method;
  }

  public URI url() {
    return url;
  }

  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of a header, matched without regard to case. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public byte[] body() {
    return body.clone();
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** True when the body is {@code application/x-www-form-urlencoded}. */
  public boolean isForm() {
    return header("Content-Type").map(t -> t.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))
        .orElse(false);
  }

  /** The form parameters of the body (in order, repeated names kept); empty when the body is not a form. */
  public Map<String, List<String>> formParameters() {
    return isForm() ? FormEncoding.decode(bodyText()) : Map.of();
  }

  /** The query parameters of {@link #url()}, in order. */
  public Map<String, List<String>> queryParameters() {
    String query = url.getRawQuery();
    return query == null ? Map.of() : FormEncoding.decode(query);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookRequest r && method.equals(r.method) && url.equals(r.url) && headers.equals(r.headers)
        && Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return 31 * url.hashCode() + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "WebhookRequest[" + method + " " + url.getPath() + ", " + body.length + " bytes]";
  }
}
