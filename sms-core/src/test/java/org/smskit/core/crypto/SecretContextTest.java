package org.smskit.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.core.crypto.TestKeys.CONTEXT;

import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.TenantId;

class SecretContextTest {
  /**
   * The associated data of {@code TestKeys.CONTEXT} under key id "k1", written out by hand. Part of the stored
   * format: if this changes, every value in every database becomes unreadable.
   */
  static final String CONTEXT_AAD_HEX = ""
      + "0006" + "656e633a7631"                                 // "enc:v1"
      + "0002" + "6b31"                                         // key id "k1"
      + "0004" + "61636d65"                                     // tenant "acme"
      + "0013" + "736d735f73656e6465725f6163636f756e7473"       // "sms_sender_accounts"
      + "000a" + "617574685f746f6b656e"                         // "auth_token"
      + "0190a0b12c3d7e4f" + "8a9b0c1d2e3f4a5b";                // row id, big-endian

  @Test
  void associatedDataHasTheDocumentedLayout() {
    assertThat(HexFormat.of().formatHex(CONTEXT.associatedData("k1"))).isEqualTo(CONTEXT_AAD_HEX);
  }

  @Test
  void partsThatConcatenateAlikeStillEncodeDifferently() {
    UUID row = CONTEXT.rowId();
    TenantId tenant = CONTEXT.tenant();
    SecretContext a = SecretContext.of(tenant, "sms_a", "b_token", row);
    SecretContext b = SecretContext.of(tenant, "sms_a_b", "token", row);

    assertThat(a.associatedData("k1")).isNotEqualTo(b.associatedData("k1"));
    // Key id against tenant: "k1"+"acme" and "k1a"+"cme" must differ too.
    assertThat(SecretContext.of(TenantId.of("acme"), "t", "c", row).associatedData("k1"))
        .isNotEqualTo(SecretContext.of(TenantId.of("cme"), "t", "c", row).associatedData("k1a"));
  }

  @Test
  void everyPartChangesTheAssociatedData() {
    byte[] base = CONTEXT.associatedData("k1");

    assertThat(CONTEXT.associatedData("k2")).isNotEqualTo(base);
    assertThat(SecretContext.of(TenantId.of("acmf"), CONTEXT.table(), CONTEXT.column(), CONTEXT.rowId())
        .associatedData("k1")).isNotEqualTo(base);
    assertThat(SecretContext.of(CONTEXT.tenant(), "sms_sender_accountz", CONTEXT.column(), CONTEXT.rowId())
        .associatedData("k1")).isNotEqualTo(base);
    assertThat(SecretContext.of(CONTEXT.tenant(), CONTEXT.table(), "auth_tokem", CONTEXT.rowId())
        .associatedData("k1")).isNotEqualTo(base);
    assertThat(SecretContext.of(CONTEXT.tenant(), CONTEXT.table(), CONTEXT.column(),
        new UUID(CONTEXT.rowId().getMostSignificantBits(), CONTEXT.rowId().getLeastSignificantBits() + 1))
        .associatedData("k1")).isNotEqualTo(base);
  }

  @Test
  void tableAndColumnMustBeLowerCaseSqlIdentifiers() {
    UUID row = UUID.randomUUID();
    TenantId tenant = TenantId.DEFAULT;

    for (String bad : new String[] {"", "Auth_Token", "1abc", "public.sms_sender_accounts", "a b", "a".repeat(64),
        "auth-token"}) {
      assertThatThrownBy(() -> SecretContext.of(tenant, bad, "auth_token", row))
          .as("table %s", bad)
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("table"));
      assertThatThrownBy(() -> SecretContext.of(tenant, "sms_sender_accounts", bad, row))
          .as("column %s", bad)
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("column"));
    }
    assertThat(SecretContext.of(tenant, "_t" + "a".repeat(61), "c0", row).table()).hasSize(63);
  }

  @Test
  void nullPartsAreRefused() {
    UUID row = UUID.randomUUID();

    assertThatThrownBy(() -> SecretContext.of(null, "t", "c", row))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("tenant_id"));
    assertThatThrownBy(() -> SecretContext.of(TenantId.DEFAULT, "t", "c", null))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("row_id"));
    assertThatThrownBy(() -> SecretContext.of(TenantId.DEFAULT, null, "c", row))
        .isInstanceOf(InvalidInputException.class);
  }
}
