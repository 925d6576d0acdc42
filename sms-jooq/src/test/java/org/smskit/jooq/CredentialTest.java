package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smskit.core.ConflictException;
import org.smskit.core.InvalidInputException;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;
import org.smskit.jooq.accounts.RotationReport;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.accounts.Accounts;

/** Accounts, numbers and services: encrypted credentials, key rotation, one primary, deactivation, ERP links. */
class CredentialTest extends ServiceTestBase {
  private static final String TOKEN = "tw-auth-token-0123456789abcdef";
  private static final String SECRET = "vonage-signature-secret-XYZ";

  /** The next key: one per class, as the class's database keeps a key check per key id. */
  private final SecretKey k2 = AesKeys.generate();

  @BeforeAll
  void erpRows() {
    db.execute("INSERT INTO public.mkt_campaigns (id, name) VALUES (42, 'Spring') ON CONFLICT DO NOTHING;"
        + "INSERT INTO public.project (id, name) VALUES (7, 'Rollout') ON CONFLICT DO NOTHING");
  }

  private String raw(String column, UUID accountId) {
    return db.strings("SELECT " + column + " FROM smskit.sms_sender_accounts WHERE tenant_id = ? AND id = ?",
        tenant.value(), accountId).get(0);
  }

  /** A webhook signed the way the simulated provider checks, with {@code token}: accepted only with that token. */
  private WebhookRequest signedInbound(UUID account, String token, String body) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("EventType", List.of("inbound"));
    form.put("AccountSid", List.of("SIM"));
    form.put("MessageId", List.of("SM" + UUID.randomUUID().toString().replace("-", "")));
    form.put("From", List.of(CUSTOMER));
    form.put("To", List.of(OUR_PRIMARY));
    form.put("Body", List.of(body));
    form.put("Timestamp", List.of(Instant.now().toString()));
    java.net.URI url = sms.webhookUrl(account).orElseThrow();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = Base64.getEncoder().encodeToString(
          mac.doFinal((url + "\n" + FormEncoding.encode(form)).getBytes(StandardCharsets.UTF_8)));
      return WebhookRequest.form(url, Map.of(SimulatedProvider.SIGNATURE_HEADER, signature), form);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private ProviderConfig lastConfig() {
    return providers.configs.get(providers.configs.size() - 1);
  }

  @Test
  void tokenAndSecretSettingsAreStoredEncryptedNeverInClear() {
    SenderAccount account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN,
        "{\"region\": \"us1\"}", Map.of("signatureSecret", SECRET));

    assertThat(raw("auth_token", account.id())).startsWith("enc:v1:k1:").doesNotContain(TOKEN);
    assertThat(raw("settings->>'signatureSecret'", account.id())).startsWith("enc:v1:k1:");
    assertThat(raw("settings->>'region'", account.id())).isEqualTo("us1");
    String wholeRow = db.strings("SELECT a::text FROM smskit.sms_sender_accounts a WHERE tenant_id = ?",
        tenant.value()).get(0);
    assertThat(wholeRow).doesNotContain(TOKEN).doesNotContain(SECRET);
    assertThat(account.authToken().keyId()).isEqualTo("k1");
    assertThat(account.toString()).doesNotContain(TOKEN);
  }

  @Test
  void providerGetsTheTokenAndSecretSettingsDecryptedAndThePlainSettingsApart() {
    SenderAccount account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN,
        "{\"region\": \"us1\"}", Map.of("signatureSecret", SECRET));

    sms.provider(account.id());

    ProviderConfig config = lastConfig();
    assertThat(config.token()).get().extracting(s -> s.reveal()).isEqualTo(TOKEN);
    assertThat(config.secret("signatureSecret")).get().extracting(s -> s.reveal()).isEqualTo(SECRET);
    assertThat(config.settingsJson()).contains("us1").doesNotContain("signatureSecret");
    assertThat(config.accountSid()).isEqualTo("SIM");
  }

  @Test
  void webhooksAreVerifiedWithTheDecryptedToken() {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN).id();
    sms.addPhoneNumber(account, OUR_PRIMARY, null, true);

    assertThat(sms.handleWebhook(account, signedInbound(account, TOKEN, "Hi")).result()).isEqualTo(Result.STORED);
    assertThatThrownBy(() -> sms.handleWebhook(account, signedInbound(account, "wrong", "Hi")))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void replacedTokenIsEncryptedAndUsedFromThenOn() {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN).id();
    sms.addPhoneNumber(account, OUR_PRIMARY, null, true);
    sms.provider(account);
    String before = raw("auth_token", account);

    sms.updateAuthToken(account, "rotated-token");

    assertThat(raw("auth_token", account)).isNotEqualTo(before).startsWith("enc:v1:").doesNotContain("rotated-token");
    assertThat(sms.handleWebhook(account, signedInbound(account, "rotated-token", "Hi")).result())
        .isEqualTo(Result.STORED);
    assertThatThrownBy(() -> sms.handleWebhook(account, signedInbound(account, TOKEN, "Hi")))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void renamingAnAccountKeepsItsSecretSettings() {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN, "{}",
        Map.of("signatureSecret", SECRET)).id();

    SenderAccount renamed = sms.updateSenderAccount(account, "Renamed", "{\"region\": \"eu1\"}");
    sms.provider(account);

    assertThat(renamed.accountName()).isEqualTo("Renamed");
    assertThat(lastConfig().secret("signatureSecret")).get().extracting(s -> s.reveal()).isEqualTo(SECRET);
    assertThat(lastConfig().settingsJson()).contains("eu1");
  }

  @Test
  void rotationMovesEverySecretToTheNewKeyAndTheOldKeyCanThenBeRetired() {
    SecretKey k1 = key;
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN, "{\"region\": \"us1\"}",
        Map.of("signatureSecret", SECRET, "apiKeySecret", "api-secret")).id();
    sms.addPhoneNumber(account, OUR_PRIMARY, null, true);
    // Registration refuses a simulated account without a token; one stored before that check still exists.
    UUID noToken = sms.inTransaction((org.smskit.jooq.repository.Repositories r) ->
        r.senderAccounts().insert(SenderAccount.create("Tokenless", "simulated", null, null))).id();

    SmsService both = service(builder(StaticKeyProvider.of(Map.of("k1", k1, "k2", k2), "k2")), b -> {});
    assertThat(both.rotateCredentials()).isEqualTo(new RotationReport(3, 0, List.of(), List.of()));
    assertThat(both.rotateCredentials()).isEqualTo(new RotationReport(0, 0, List.of(), List.of()));

    assertThat(raw("auth_token", account)).startsWith("enc:v1:k2:");
    assertThat(raw("settings->>'signatureSecret'", account)).startsWith("enc:v1:k2:");
    assertThat(raw("settings->>'apiKeySecret'", account)).startsWith("enc:v1:k2:");
    assertThat(raw("settings->>'region'", account)).isEqualTo("us1");
    assertThat(db.strings("SELECT auth_token FROM smskit.sms_sender_accounts WHERE tenant_id = ? AND id = ?",
        tenant.value(), noToken)).containsOnlyNulls();

    SmsService onlyNewKey = service(builder(StaticKeyProvider.of("k2", k2)), b -> {});
    onlyNewKey.provider(account);
    assertThat(lastConfig().token()).get().extracting(s -> s.reveal()).isEqualTo(TOKEN);
    assertThat(lastConfig().secret("signatureSecret")).get().extracting(s -> s.reveal()).isEqualTo(SECRET);
    assertThat(lastConfig().secret("apiKeySecret")).get().extracting(s -> s.reveal()).isEqualTo("api-secret");
    SendReceipt receipt = onlyNewKey.send(SendRequest.to(CUSTOMER).fromAccount(account).body("Hi").build());
    assertThat(receipt.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(onlyNewKey.handleWebhook(account, signedInbound(account, TOKEN, "Hi")).result())
        .isEqualTo(Result.STORED);
  }

  @Test
  void rotationTouchesOnlyItsOwnTenant() {
    UUID mine = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN).id();
    SmsService other = sms.forTenant(org.smskit.core.TenantId.of(tenant.value() + "-b"));
    UUID theirs = other.registerSenderAccount("Main", "simulated", "SIM", TOKEN).id();

    SmsService rotating = service(builder(StaticKeyProvider.of(Map.of("k1", key, "k2", k2), "k2")), b -> {});
    assertThat(rotating.rotateCredentials().rewritten()).isEqualTo(1);

    assertThat(raw("auth_token", mine)).startsWith("enc:v1:k2:");
    assertThat(db.strings("SELECT auth_token FROM smskit.sms_sender_accounts WHERE id = ?", theirs).get(0))
        .startsWith("enc:v1:k1:");
  }

  @Test
  void numbersAreNormalisedAndAnAccountHasOnePrimary() {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN).id();
    UUID other = sms.registerSenderAccount("Other", "simulated", "SIM2", TOKEN).id();
    SenderPhoneNumber first = sms.addPhoneNumber(account, "(415) 555-0100", "Main", true);
    SenderPhoneNumber second = sms.addPhoneNumber(account, "+1 415 555 0101", "Second", true);
    SenderPhoneNumber otherPrimary = sms.addPhoneNumber(other, "415-555-0102", "Other", true);

    assertThat(first.phoneNumber().value()).isEqualTo(OUR_PRIMARY);
    assertThat(second.phoneNumber().value()).isEqualTo(OUR_SECOND);
    assertThat(primaries(account)).containsExactly(second.id().toString());
    assertThat(primaries(other)).containsExactly(otherPrimary.id().toString());

    sms.makePrimary(first.id());
    assertThat(primaries(account)).containsExactly(first.id().toString());
    sms.makePrimary(first.id());
    assertThat(primaries(account)).containsExactly(first.id().toString());
    assertThat(primaries(other)).containsExactly(otherPrimary.id().toString());
  }

  private List<String> primaries(UUID account) {
    return db.strings("SELECT id FROM smskit.sms_sender_phone_numbers WHERE tenant_id = ? AND account_id = ?"
        + " AND is_primary = 1", tenant.value(), account);
  }

  @Test
  void numberRegisteredTwiceIsAConflict() {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN).id();
    sms.addPhoneNumber(account, OUR_PRIMARY, null, true);

    assertThatThrownBy(() -> sms.addPhoneNumber(account, "(415) 555-0100", null, true))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.field()).isEqualTo("phone_number"));
    assertThat(primaries(account)).hasSize(1);
    assertThat(rows("sms_sender_phone_numbers")).isEqualTo(1);
  }

  @Test
  void deactivatingKeepsHistory() {
    World w = world();
    UUID sent = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build()).messageId();

    assertThat(sms.deactivateService(w.service()).active()).isFalse();
    assertThat(sms.deactivatePhoneNumber(w.primary().id()).active()).isFalse();
    assertThat(sms.deactivateSenderAccount(w.account()).active()).isFalse();

    assertThat(rows("sms_sender_accounts")).isEqualTo(1);
    assertThat(rows("sms_sender_phone_numbers")).isEqualTo(2);
    assertThat(rows("sms_service_accounts")).isEqualTo(1);
    assertThat(stored(sent).senderPhoneNumberId()).isEqualTo(w.primary().id());
    assertThat(stored(sent).serviceAccountId()).isEqualTo(w.service());
    // Reports about messages already sent are still applied.
    assertThat(callback(w, lastSid(), MessageStatus.DELIVERED, null).result()).isEqualTo(Result.APPLIED);
  }

  @Test
  void servicesCarryTheirTypeAndHostLinks() {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN).id();

    ServiceAccount linked = sms.createService(account, "Spring promo", ServiceType.CAMPAIGN, "MG123", 42L, 7L);
    ServiceAccount plain = sms.createService(account, "Support", ServiceType.SUPPORT, null, null, null);

    assertThat(linked.serviceType()).isEqualTo(ServiceType.CAMPAIGN);
    assertThat(linked.providerServiceSid()).isEqualTo("MG123");
    assertThat(linked.linkedCampaignId()).isEqualTo(42L);
    assertThat(linked.linkedProjectId()).isEqualTo(7L);
    assertThat(plain.linkedCampaignId()).isNull();
    assertThat(sms.inTransaction((org.smskit.jooq.repository.Repositories r) ->
        r.serviceAccounts().activeForCampaign(42L))).extracting(ServiceAccount::id).containsExactly(linked.id());

    ServiceAccount updated = sms.updateService(plain.withLinks(42L, null).withDescription("Help desk"));
    assertThat(updated.linkedCampaignId()).isEqualTo(42L);
    assertThat(updated.description()).isEqualTo("Help desk");
  }

  @Test
  void serviceLinkedToACampaignTheHostDoesNotHaveIsRefused() {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", TOKEN).id();

    assertThatThrownBy(() -> sms.createService(account, "Ghost", ServiceType.CAMPAIGN, null, 999_999L, null))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("linked_campaign_id"));
    assertThatThrownBy(() -> sms.createService(account, "Ghost", ServiceType.CAMPAIGN, null, null, 999_999L))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("linked_project_id"));
    assertThat(rows("sms_service_accounts")).isZero();
  }
}
