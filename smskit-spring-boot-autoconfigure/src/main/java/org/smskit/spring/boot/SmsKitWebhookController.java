package org.smskit.spring.boot;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.webhooks.WebhookOutcome;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Provider webhooks (inbound messages and status reports) at {@code smskit.webhook.path/{tenant}/{accountId}},
 * handed to {@link SmsService#handleWebhook}, which verifies the signature against the URL the provider called:
 *
 * <ul>
 *   <li>with {@code smskit.webhook.base-url}: that base, then {@code /tenant/accountId} and the query received. The
 *     same base is where smskit asks providers to send status callbacks, so the two agree whatever proxies rewrite;
 *   <li>without: the request's own URL as the servlet container reports it. Behind a proxy that is the public URL
 *     only if the application trusts the proxy's {@code X-Forwarded-*}/{@code Forwarded} headers the way Spring does
 *     ({@code server.forward-headers-strategy=framework} or {@code native}); smskit never reads them itself.
 * </ul>
 *
 * <p>Answers 200 (an empty TwiML document) for every verified webhook, 403 when the signature does not verify
 * (nothing recorded), 400 for a verified request missing a field, 404 for an unknown account.
 */
@RestController
final class SmsKitWebhookController {
  private static final Logger log = LoggerFactory.getLogger(SmsKitWebhookController.class);
  private static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

  private final SmsService sms;
  private final @Nullable URI baseUrl;

  SmsKitWebhookController(SmsService sms, @Nullable URI baseUrl) {
    this.sms = sms;
    this.baseUrl = baseUrl;
  }

  @RequestMapping(path = "${smskit.webhook.path:/smskit/webhooks}/{tenant}/{account}",
      method = {RequestMethod.POST, RequestMethod.GET})
  ResponseEntity<String> receive(@PathVariable("tenant") String tenant, @PathVariable("account") String account,
      HttpServletRequest request) throws IOException {
    UUID accountId;
    TenantId tenantId;
    try {
      accountId = UUID.fromString(account);
      tenantId = TenantId.of(tenant);
    } catch (IllegalArgumentException | InvalidInputException e) {
      return text(404, "expected <tenant>/<accountId>");
    }
    WebhookRequest webhook = WebhookRequest.of(request.getMethod(), publicUrl(tenant, account, request),
        headers(request), body(request));
    try {
      WebhookOutcome outcome = sms.forTenant(tenantId).handleWebhook(accountId, webhook);
      log.debug("webhook {} -> {}", webhook, outcome.result());
      return ResponseEntity.ok().contentType(MediaType.TEXT_XML).body(EMPTY_TWIML);
    } catch (WebhookVerificationException e) {
      log.warn("refused a webhook for account {}: {}", accountId, e.getMessage());
      return text(403, "signature does not verify");
    } catch (NotFoundException e) {
      return text(404, e.getMessage());
    } catch (InvalidInputException e) {
      return text(400, e.getMessage());
    }
  }

  /** The URL the provider called (see the class comment). */
  URI publicUrl(String tenant, String account, HttpServletRequest request) {
    String query = request.getQueryString();
    String suffix = query == null ? "" : "?" + query;
    if (baseUrl != null) {
      String base = baseUrl.toString();
      return URI.create((base.endsWith("/") ? base : base + "/") + tenant + "/" + account + suffix);
    }
    // getRequestURL is what ForwardedHeaderFilter or the container's RemoteIpValve adapted, when configured.
    return URI.create(request.getRequestURL() + suffix);
  }

  private static Map<String, List<String>> headers(HttpServletRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    return headers;
  }

  /**
   * The body as sent. When a filter already read a form body as parameters, the form is written again from those
   * parameters that did not come from the query string.
   */
  private static byte[] body(HttpServletRequest request) throws IOException {
    byte[] body = request.getInputStream().readAllBytes();
    if (body.length > 0 || !"POST".equals(request.getMethod()) || request.getContentType() == null
        || !request.getContentType().toLowerCase(java.util.Locale.ROOT)
            .startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
      return body;
    }
    Map<String, List<String>> query = request.getQueryString() == null ? Map.of()
        : FormEncoding.decode(request.getQueryString());
    Map<String, List<String>> form = new LinkedHashMap<>();
    request.getParameterMap().forEach((name, values) -> {
      List<String> own = new ArrayList<>(List.of(values));
      query.getOrDefault(name, List.of()).forEach(own::remove);
      if (!own.isEmpty()) {
        form.put(name, own);
      }
    });
    return FormEncoding.encode(form).getBytes(StandardCharsets.UTF_8);
  }

  private static ResponseEntity<String> text(int status, String body) {
    return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(body);
  }
}
