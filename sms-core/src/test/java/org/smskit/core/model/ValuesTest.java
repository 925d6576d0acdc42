package org.smskit.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.AlphanumericSenderId;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.ShortCode;
import org.smskit.core.status.MessageStatus;

class ValuesTest {

  @Test
  void idsAreVersion7AndCarryTheirTime() {
    long millis = Instant.parse("2026-11-25T10:00:00.123Z").toEpochMilli();
    UUID id = Ids.newId(millis);
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(Ids.timeOf(id)).isEqualTo(Instant.ofEpochMilli(millis));
    assertThat(Ids.newId(millis + 1)).isGreaterThan(Ids.newId(millis));
  }

  @ParameterizedTest
  @CsvSource({
      "+14155550100, PhoneNumber",
      "72345, ShortCode",
      "123, ShortCode",
      "ACME, AlphanumericSenderId",
      "ACME Shop, AlphanumericSenderId",
      "Shop-24_7, AlphanumericSenderId",
  })
  void addressKindsAreRecognisedExplicitly(String value, String kind) {
    Address address = Address.parse("to_number", value);
    assertThat(address.getClass().getSimpleName()).isEqualTo(kind);
    assertThat(address.value()).isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource({"+0123", "12", "123456789", "ACME-Shop-Online", "'  '", "+1 415 555 0100", "Shop!"})
  void anythingElseIsNotAnAddress(String value) {
    assertThatThrownBy(() -> Address.parse("to_number", value)).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("to_number:");
  }

  @Test
  void addressTypesRefuseTheOtherKinds() {
    assertThatThrownBy(() -> new ShortCode("ACME")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new AlphanumericSenderId("12345")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> PhoneNumber.of("72345")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void phoneNumbersAreMaskedInToString() {
    PhoneNumber number = PhoneNumber.of("+14155550123");
    assertThat(number.toString()).isEqualTo("+14*******23").doesNotContain("555");
    assertThat(number.value()).isEqualTo("+14155550123");
  }

  @Test
  void tenantIdsAreSafeIdentifiers() {
    assertThat(TenantId.DEFAULT.value()).isEqualTo("default");
    assertThat(TenantId.of("eu-1.acme_2").value()).isEqualTo("eu-1.acme_2");
    assertThatThrownBy(() -> TenantId.of("a'; drop")).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("tenant_id:");
    assertThatThrownBy(() -> TenantId.of("x".repeat(65))).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void encryptedValuesRoundTripTheirStoredFormAndHideThePayload() {
    EncryptedValue value = EncryptedValue.parse("auth_token", "enc:v1:key-2026:AAECAwQ=");
    assertThat(value.keyId()).isEqualTo("key-2026");
    assertThat(value.format()).isEqualTo("enc:v1:key-2026:AAECAwQ=");
    assertThat(value.toString()).doesNotContain("AAECAwQ=");
    assertThatThrownBy(() -> EncryptedValue.parse("auth_token", "plain-token"))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("auth_token:");
  }

  @Test
  void pageRequestsAreBounded() {
    assertThatThrownBy(() -> PageRequest.first(0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> PageRequest.first(PageRequest.MAX_LIMIT + 1)).isInstanceOf(InvalidInputException.class);
    assertThat(PageRequest.first(10).after()).isEmpty();
  }

  @Test
  void storedEnumsReadTheirLowerCaseValues() {
    assertThat(StoredEnum.fromDb(MessageStatus.class, "status", "undelivered")).isEqualTo(MessageStatus.UNDELIVERED);
    assertThat(ServiceType.TRANSACTIONAL.dbValue()).isEqualTo("transactional");
    assertThatThrownBy(() -> StoredEnum.fromDb(Direction.class, "direction", "sideways"))
        .isInstanceOf(InvalidInputException.class).hasMessage("direction: unknown value 'sideways'");
  }
}
