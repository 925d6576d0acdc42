package org.smskit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Message;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;
import org.smskit.twilio.TwilioProviderFactory;
import org.smskit.vonage.VonageProviderFactory;

/**
 * The webhook receiver over real HTTP with requests signed the way Twilio and Vonage sign them (computed here,
 * independently of the providers' code), behind a pretend TLS-terminating proxy: providers sign the public https
 * URL while the request reaches the server over plain http on another port.
 */
class WebhookReceiverTest {
  static final URI PUBLIC = URI.create("https://sms.example.com/hooks");
  static final String TWILIO_SID = "AC" + "0123456789abcdef".repeat(2);
  static final String TWILIO_TOKEN = "twilio-auth-token";
  static final String VONAGE_SECRET = "vonage-signature-secret";
  static final TenantId TENANT = TenantId.of("acme");

  static TestDatabase db;
  static SmsService sms;
  static WebhookReceiver receiver;
  static UUID twilio;
  static UUID vonage;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    db = TestPostgres.newDatabase();
    sms = SmsService.builder(db.dataSource(), StaticKeyProvider.of("k", AesKeys.generate()))
        .providers(SmsProviders.of(new TwilioProviderFactory(), new VonageProviderFactory()))
        .webhookBaseUrl(PUBLIC)
        .build()
        .forTenant(TENANT);
    sms.migrate();
    twilio = sms.registerSenderAccount("Twilio", "twilio", TWILIO_SID, TWILIO_TOKEN).id();
    sms.addPhoneNumber(twilio, "+14155550100", "Twilio line", true);
    vonage = sms.registerSenderAccount("Vonage", "vonage", "vonage-key", "vonage-api-secret",
        "{\"signatureMethod\": \"sha256\"}", Map.of("signatureSecret", VONAGE_SECRET)).id();
    receiver = WebhookReceiver.start(sms, PUBLIC, new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterAll
  static void stop() {
    receiver.close();
    sms.close();
    db.close();
  }

  private static URI publicUrl(UUID account) {
    return URI.create(PUBLIC + "/" + TENANT + "/" + account);
  }

  private static URI localUrl(UUID account) {
    return URI.create(receiver.localBaseUrl() + "/" + TENANT + "/" + account);
  }

  /** Twilio: base64(HMAC-SHA1(token, url + each sorted name followed by its value)). */
  static String twilioSignature(URI url, Map<String, String> params, String token) throws Exception {
    StringBuilder data = new StringBuilder(url.toString());
    new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** Vonage sha256: hex(HMAC-SHA256(secret, "&name=value" for each sorted parameter but sig)). */
  static String vonageSignature(Map<String, String> params, String secret) throws Exception {
    StringBuilder data = new StringBuilder();
    new TreeMap<>(params).forEach((k, v) -> data.append('&').append(k.replace('&', '_').replace('=', '_'))
        .append('=').append(v.replace('&', '_').replace('=', '_')));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
  }

  static String form(Map<String, String> params) {
    List<String> pairs = new ArrayList<>();
    params.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return String.join("&", pairs);
  }

  static HttpResponse<String> post(URI url, Map<String, String> params, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(params)));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> twilioInbound(String sid, String body) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("MessageSid", sid);
    p.put("SmsSid", sid);
    p.put("AccountSid", TWILIO_SID);
    p.put("From", "+14155550123");
    p.put("To", "+14155550100");
    p.put("Body", body);
    p.put("NumMedia", "0");
    return p;
  }

  @Test
  void aSignedTwilioInboundBehindTheProxyIsStoredOnce() throws Exception {
    String sid = "SM" + "1".repeat(32);
    Map<String, String> params = twilioInbound(sid, "Is my order on its way?");
    String signature = twilioSignature(publicUrl(twilio), params, TWILIO_TOKEN);

    HttpResponse<String> first = post(localUrl(twilio), params, Map.of("X-Twilio-Signature", signature));
    HttpResponse<String> again = post(localUrl(twilio), params, Map.of("X-Twilio-Signature", signature));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("<Response>");
    assertThat(again.statusCode()).isEqualTo(200);
    List<Message> stored = sms.unread(PageRequest.first(10)).items().stream()
        .filter(m -> sid.equals(m.providerMessageSid())).toList();
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).body()).isEqualTo("Is my order on its way?");
  }

  @Test
  void aTwilioRequestSignedForAnotherUrlOrTamperedIsRefusedAndRecordsNothing() throws Exception {
    String sid = "SM" + "2".repeat(32);
    Map<String, String> params = twilioInbound(sid, "hello");
    // Signed over the URL the server sees, not the public one the provider would have used.
    String wrongUrl = twilioSignature(localUrl(twilio), params, TWILIO_TOKEN);
    String genuine = twilioSignature(publicUrl(twilio), params, TWILIO_TOKEN);
    Map<String, String> tampered = new LinkedHashMap<>(params);
    tampered.put("Body", "hello, I changed this");

    assertThat(post(localUrl(twilio), params, Map.of("X-Twilio-Signature", wrongUrl)).statusCode()).isEqualTo(403);
    assertThat(post(localUrl(twilio), tampered, Map.of("X-Twilio-Signature", genuine)).statusCode()).isEqualTo(403);
    assertThat(post(localUrl(twilio), params, Map.of()).statusCode()).isEqualTo(403);
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_messages WHERE provider_message_sid = ?", sid))
        .containsExactly("0");
  }

  @Test
  void vonageConcatenatedPartsInAnyOrderWithDuplicatesBecomeOneMessage() throws Exception {
    String[] texts = {"Part one of a long message, ", "part two of it, ", "and the end."};
    List<Integer> arrivals = new ArrayList<>(List.of(1, 2, 3, 2, 3, 1));
    Collections.shuffle(arrivals, new Random(11));
    for (int part : arrivals) {
      Map<String, String> p = new TreeMap<>();
      p.put("msisdn", "14155550177");
      p.put("to", "14155550100");
      p.put("messageId", "0A00000000000" + part);
      p.put("text", texts[part - 1]);
      p.put("type", "text");
      p.put("message-timestamp", "2026-11-25 10:00:0" + part);
      p.put("concat", "true");
      p.put("concat-ref", "42");
      p.put("concat-total", "3");
      p.put("concat-part", String.valueOf(part));
      p.put("timestamp", String.valueOf(System.currentTimeMillis() / 1000));
      p.put("sig", vonageSignature(p, VONAGE_SECRET));
      assertThat(post(localUrl(vonage), p, Map.of()).statusCode()).as("part %d", part).isEqualTo(200);
    }
    List<String> bodies = db.strings("SELECT body FROM smskit.sms_messages WHERE from_number = '+14155550177'");
    assertThat(bodies).containsExactly("Part one of a long message, part two of it, and the end.");
  }

  @Test
  void aVonageWebhookWithABadSignatureIsRefused() throws Exception {
    Map<String, String> p = new TreeMap<>();
    p.put("msisdn", "14155550188");
    p.put("to", "14155550100");
    p.put("messageId", "0B0000000001");
    p.put("text", "hi");
    p.put("type", "text");
    p.put("message-timestamp", "2026-11-25 10:00:00");
    p.put("timestamp", String.valueOf(System.currentTimeMillis() / 1000));
    p.put("sig", vonageSignature(p, "not-the-secret"));
    assertThat(post(localUrl(vonage), p, Map.of()).statusCode()).isEqualTo(403);
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_messages WHERE from_number = '+14155550188'"))
        .containsExactly("0");
  }

  @Test
  void unknownRoutesAndAccountsAreNotFound() throws Exception {
    assertThat(post(URI.create(receiver.localBaseUrl() + "/acme"), Map.of(), Map.of()).statusCode()).isEqualTo(404);
    assertThat(post(localUrl(UUID.randomUUID()), Map.of("a", "b"), Map.of()).statusCode()).isEqualTo(404);
  }
}
