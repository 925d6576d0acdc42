package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviderFactory;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.accounts.Accounts;

/**
 * Accounts are checked when they are registered or changed, not at their first send: the provider is installed,
 * no secret setting sits among the plain settings (where it would be stored unencrypted), and the provider's
 * factory accepts the configuration. A refused account leaves nothing written.
 */
class AccountValidationTest extends ServiceTestBase {
  private static final String SID = "ST0a1b";
  private static final String SECRET = "strict-signature-secret";

  /**
   * A provider in the manner of Vonage: {@code signatureSecret} is a secret setting, {@code region} the one plain
   * setting, and account ids look like {@code ST} and four hex digits. It records what it was asked to validate.
   */
  static final class StrictFactory implements SmsProviderFactory {
    final List<ProviderConfig> validated = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "strict";
    }

    @Override
    public Set<String> secretSettings() {
      return Set.of("signatureSecret");
    }

    @Override
    public void validate(ProviderConfig config) {
      validated.add(config);
      if (config.accountSid() == null || !config.accountSid().matches("ST[0-9a-f]{4}")) {
        throw new InvalidInputException("account_sid", "must be ST and 4 hex digits");
      }
      if (config.token().isEmpty()) {
        throw new InvalidInputException("auth_token", "is required");
      }
      if (!config.settingsJson().replaceAll("\\s", "").matches("\\{(\"region\":\"[a-z0-9]+\")?}")) {
        throw new InvalidInputException("settings", "the only plain setting is region");
      }
    }

    @Override
    public SmsProvider create(ProviderConfig config) {
      return new SimulatedProviderFactory().create(config);
    }
  }

  private final StrictFactory strict = new StrictFactory();
  private SmsService on;

  @BeforeEach
  void strictProviderInstalled() {
    strict.validated.clear();
    on = service(b -> b.providers(SmsProviders.of(providers, strict)));
  }

  @Test
  void factoryValidatesTheDraftAsGivenBeforeAnythingIsEncryptedOrStored() {
    on.registerSenderAccount("Main", "strict", SID, "the-token", "{\"region\": \"eu1\"}",
        Map.of("signatureSecret", SECRET));

    ProviderConfig config = strict.validated.get(0);
    assertThat(config.accountSid()).isEqualTo(SID);
    assertThat(config.token()).get().extracting(t -> t.reveal()).isEqualTo("the-token");
    assertThat(config.settingsJson()).isEqualTo("{\"region\": \"eu1\"}");
    assertThat(config.secret("signatureSecret")).get().extracting(t -> t.reveal()).isEqualTo(SECRET);
    assertThat(config.clock()).isSameAs(clock);
    assertThat(rows(on, "sms_sender_accounts")).isEqualTo(1);
  }

  @Test
  void secretInThePlainSettingsIsRefusedNamingItAndNothingIsStored() {
    assertThatThrownBy(() -> on.registerSenderAccount("Main", "strict", SID, "the-token",
        "{\"region\": \"eu1\", \"signatureSecret\": \"" + SECRET + "\"}", Map.of()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("settings.signatureSecret");
          assertThat(e.rule()).startsWith("must be registered as a secret setting");
          assertThat(e.getMessage()).doesNotContain(SECRET);
        });
    assertThatThrownBy(() -> on.registerSenderAccount("Main", "strict", SID, "the-token",
        "{\"SignatureSecret\": \"" + SECRET + "\"}", Map.of()))
        .as("a different case is still the secret")
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.SignatureSecret"));

    assertThat(rows(on, "sms_sender_accounts")).isZero();
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_sender_accounts WHERE settings::text LIKE ?",
        "%" + SECRET + "%")).containsExactly("0");
  }

  @Test
  void settingGivenBothPlainAndSecretIsRefused() {
    assertThatThrownBy(() -> on.registerSenderAccount("Main", "simulated", "SIM", "t",
        "{\"apiKeySecret\": \"x\"}", Map.of("apiKeySecret", "y")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("settings.apiKeySecret");
          assertThat(e.rule()).contains("both");
        });
    assertThat(rows(on, "sms_sender_accounts")).isZero();
  }

  @Test
  void factoryRefusalIsTheTypedErrorWithNothingStored() {
    assertThatThrownBy(() -> on.registerSenderAccount("Main", "strict", "AC123", "t", "{}", Map.of()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("account_sid"));
    assertThatThrownBy(() -> on.registerSenderAccount("Main", "strict", SID, "t", "{\"colour\": \"red\"}",
        Map.of()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("settings"));
    assertThatThrownBy(() -> on.registerSenderAccount("Main", "simulated", "SIM", null))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("auth_token"));
    assertThatThrownBy(() -> on.registerSenderAccount("Main", "strict", SID, "t", "{}",
        java.util.Collections.singletonMap("signatureSecret", null)))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.signatureSecret"));

    assertThat(rows(on, "sms_sender_accounts")).isZero();
    assertThat(providers.created).hasValue(0);
  }

  @Test
  void unknownProviderIsRefusedNamingEveryInstalledOne() {
    assertThatThrownBy(() -> on.registerSenderAccount("Main", "vonage", "key", "secret"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("provider");
          assertThat(e.rule()).contains("'vonage'").contains("simulated").contains("strict");
        });
    assertThat(rows(on, "sms_sender_accounts")).isZero();
  }

  @Test
  void updateIsValidatedWithTheStoredTokenAndSecretsAndRefusalChangesNothing() {
    UUID account = on.registerSenderAccount("Main", "strict", SID, "the-token", "{\"region\": \"eu1\"}",
        Map.of("signatureSecret", SECRET)).id();
    String before = db.strings("SELECT a::text FROM smskit.sms_sender_accounts a WHERE id = ?", account).get(0);

    assertThatThrownBy(() -> on.updateSenderAccount(account, "Renamed",
        "{\"signatureSecret\": \"" + SECRET + "\"}"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("settings.signatureSecret"));
    assertThatThrownBy(() -> on.updateSenderAccount(account, "Renamed", "{\"colour\": \"red\"}"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("settings"));
    assertThat(db.strings("SELECT a::text FROM smskit.sms_sender_accounts a WHERE id = ?", account).get(0))
        .isEqualTo(before);

    on.updateSenderAccount(account, "Renamed", "{\"region\": \"us1\"}");
    ProviderConfig config = strict.validated.get(strict.validated.size() - 1);
    assertThat(config.token()).get().extracting(t -> t.reveal()).isEqualTo("the-token");
    assertThat(config.secret("signatureSecret")).get().extracting(t -> t.reveal()).isEqualTo(SECRET);
    assertThat(config.settingsJson()).isEqualTo("{\"region\": \"us1\"}");
    assertThat(db.strings("SELECT settings->>'signatureSecret' FROM smskit.sms_sender_accounts WHERE id = ?",
        account).get(0)).startsWith("enc:v1:k1:");
  }
}
