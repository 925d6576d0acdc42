package org.smskit.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.webhooks.WebhookOutcome;

/**
 * A webhook endpoint on the JDK's built-in HTTP server that feeds {@link SmsService}: point Twilio's and Vonage's
 * inbound and status webhooks at {@code <public base URL>/<tenant>/<senderAccountId>}.
 *
 * <p>Providers sign the URL they call, which a proxy or load balancer in front of this server rewrites (https to
 * http, another host and port). So the request handed to the service carries the <em>public</em> URL: the
 * configured public base URL's scheme and authority with the path and query that arrived, never the
 * {@code X-Forwarded-*} headers, which anyone can send.
 *
 * <p>Answers: 200 (with an empty TwiML document, which Twilio expects) for every verified webhook, 403 when the
 * signature does not verify (nothing is recorded), 400 for a verified request that lacks a field, 404 for an
 * unknown account.
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
  private static final byte[] EMPTY_TWIML =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>".getBytes(StandardCharsets.UTF_8);

  private final SmsService sms;
  private final URI publicBaseUrl;
  private final String basePath;
  private final HttpServer server;
  private final ExecutorService executor;

  private WebhookReceiver(SmsService sms, URI publicBaseUrl, InetSocketAddress bind) throws IOException {
    this.sms = sms;
    this.publicBaseUrl = publicBaseUrl;
    this.basePath = publicBaseUrl.getRawPath() == null || publicBaseUrl.getRawPath().isEmpty() ? "/"
        : publicBaseUrl.getRawPath();
    this.server = HttpServer.create(bind, 64);
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread thread = new Thread(r, "smskit-webhooks");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext(basePath, this::handle);
  }

  /**
   * Starts a receiver bound to {@code bind} that serves {@code publicBaseUrl}'s path (for example
   * {@code https://sms.example.com/hooks} serves {@code /hooks/<tenant>/<accountId>}).
   */
  public static WebhookReceiver start(SmsService sms, URI publicBaseUrl, InetSocketAddress bind) throws IOException {
    WebhookReceiver receiver = new WebhookReceiver(sms, publicBaseUrl, bind);
    receiver.server.start();
    return receiver;
  }

  /** Where this server listens, as seen from this machine. */
  public URI localBaseUrl() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort() + basePath);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String[] route = exchange.getRequestURI().getRawPath().substring(basePath.length()).replaceFirst("^/", "")
          .split("/");
      if (route.length != 2) {
        respond(exchange, 404, "text/plain", "expected <tenant>/<accountId>".getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      URI url = publicUrl(exchange.getRequestURI());
      WebhookRequest request = WebhookRequest.of(exchange.getRequestMethod(), url,
          Map.copyOf(exchange.getRequestHeaders()), body);
      try {
        WebhookOutcome outcome = sms.forTenant(TenantId.of(route[0]))
            .handleWebhook(UUID.fromString(route[1]), request);
        log.debug("webhook {} -> {}", request, outcome.result());
        respond(exchange, 200, "text/xml", EMPTY_TWIML);
      } catch (WebhookVerificationException e) {
        log.warn("refused a webhook: {}", e.getMessage());
        respond(exchange, 403, "text/plain", "signature does not verify".getBytes(StandardCharsets.UTF_8));
      } catch (NotFoundException e) {
        respond(exchange, 404, "text/plain", e.getMessage().getBytes(StandardCharsets.UTF_8));
      } catch (InvalidInputException | IllegalArgumentException e) {
        respond(exchange, 400, "text/plain", e.getMessage().getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        log.error("webhook failed; the provider will retry", e);
        respond(exchange, 500, "text/plain", new byte[0]);
      }
    }
  }

  /** The URL the provider called: the public scheme and authority, the path and query that arrived. */
  private URI publicUrl(URI received) {
    String query = received.getRawQuery();
    return URI.create(publicBaseUrl.getScheme() + "://" + publicBaseUrl.getRawAuthority() + received.getRawPath()
        + (query == null ? "" : "?" + query));
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * Runs a receiver on port 8080 in front of an embedded PostgreSQL. {@code PUBLIC_BASE_URL} (default
   * {@code http://localhost:8080/hooks}) is the URL providers are configured with; with {@code TWILIO_*} or
   * {@code VONAGE_*} credentials set, it registers those accounts and prints their webhook URLs.
   */
  public static void main(String[] args) throws Exception {
    URI publicBase = URI.create(System.getenv().getOrDefault("PUBLIC_BASE_URL", "http://localhost:8080/hooks"));
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        HikariDataSource dataSource = InboxDemo.pool(postgres.getJdbcUrl("postgres", "postgres"));
        SmsService sms = SmsService.builder(dataSource, StaticKeyProvider.of("k", AesKeys.generate()))
            .webhookBaseUrl(publicBase).build();
        WebhookReceiver receiver = start(sms, publicBase, new InetSocketAddress(8080))) {
      sms.migrate();
      Map<String, String> env = System.getenv();
      if (env.get("TWILIO_ACCOUNT_SID") != null) {
        UUID id = sms.registerSenderAccount("Twilio", "twilio", env.get("TWILIO_ACCOUNT_SID"),
            env.get("TWILIO_AUTH_TOKEN")).id();
        System.out.println("Twilio webhooks: " + sms.webhookUrl(id).orElseThrow());
      }
      if (env.get("VONAGE_API_KEY") != null) {
        UUID id = sms.registerSenderAccount("Vonage", "vonage", env.get("VONAGE_API_KEY"),
            env.get("VONAGE_API_SECRET"), "{}", env.get("VONAGE_SIGNATURE_SECRET") == null ? Map.of()
                : Map.of("signatureSecret", env.get("VONAGE_SIGNATURE_SECRET"))).id();
        System.out.println("Vonage webhooks: " + sms.webhookUrl(id).orElseThrow());
      }
      System.out.println("listening on " + receiver.localBaseUrl() + " (public " + publicBase + "); Ctrl-C stops");
      Thread.currentThread().join();
    }
  }
}
