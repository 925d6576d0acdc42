package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.WebhookVerificationException;

/**
 * The SMS API {@code sig}. Expected values are written out as computed independently with Python's
 * {@code hashlib}/{@code hmac}; the first five are also vonage-java-sdk's own test vectors.
 */
class SmsSignaturesTest {
  private static final Secret SECRET = Secret.of("abcde");
  private static final Duration WINDOW = Duration.ofMinutes(5);

  private static Map<String, String> alphabet() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("b", "bananas");
    p.put("timestamp", "2100");
    p.put("a", "alphabet");
    return p;
  }

  @Test
  void canonicalStringIsSortedWithLeadingAmpersand() {
    assertThat(SmsSignatures.canonical(alphabet(), true)).isEqualTo("&a=alphabet&b=bananas&timestamp=2100");
  }

  // python3: s = "&a=alphabet&b=bananas&timestamp=2100"
  //   hashlib.md5((s + "abcde").encode()).hexdigest(); hmac.new(b"abcde", s.encode(), alg).hexdigest()
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "md5hash, 7d43241108912b32cc315b48ce681acf",
      "md5,     e0afe267aefd6dd18a848c1681517a19",
      "sha1,    b7f749de27b4adcf736cc95c9a7e059a16c85127",
      "sha256,  8d1b0428276b6a070578225914c3502cc0687a454dfbbbb370c76a14234cb546",
      "sha512,  1c834a1f6a377d4473971387b065cb38e2ad6c4869ba77b7b53e207a344e87ba04b456dfc697b371a2d1ce476d01dafd4394aa97525eff23badad39d2389a710"
  })
  void eachMethodSignsTheDocumentedVector(String method, String expected) {
    SignatureMethod m = SignatureMethod.fromSetting("signatureMethod", method);

    assertThat(SmsSignatures.sign(alphabet(), m, SECRET)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "md5hash, 7d43241108912b32cc315b48ce681acf",
      "md5,     e0afe267aefd6dd18a848c1681517a19",
      "sha1,    b7f749de27b4adcf736cc95c9a7e059a16c85127",
      "sha256,  8d1b0428276b6a070578225914c3502cc0687a454dfbbbb370c76a14234cb546",
      "sha512,  1c834a1f6a377d4473971387b065cb38e2ad6c4869ba77b7b53e207a344e87ba04b456dfc697b371a2d1ce476d01dafd4394aa97525eff23badad39d2389a710"
  })
  void eachMethodVerifiesItsVectorInUpperOrLowerCase(String method, String sig) {
    SignatureMethod m = SignatureMethod.fromSetting("signatureMethod", method);
    Map<String, String> lower = alphabet();
    lower.put("sig", sig);
    Map<String, String> upper = alphabet();
    upper.put("sig", sig.toUpperCase(Locale.ROOT));

    assertThatCode(() -> SmsSignatures.verify(lower, m, SECRET, Instant.ofEpochSecond(2100), WINDOW))
        .doesNotThrowAnyException();
    assertThatCode(() -> SmsSignatures.verify(upper, m, SECRET, Instant.ofEpochSecond(2100), WINDOW))
        .doesNotThrowAnyException();
  }

  // python3: hmac.new(b"abcde", b"&a_b=1&b=x_y_z&timestamp=2100", "sha1").hexdigest()
  @Test
  void ampersandsAndEqualsInNamesAndValuesBecomeUnderscoresAndSigIsLeftOut() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("b", "x&y=z");
    p.put("a=b", "1");
    p.put("sig", "ignored");
    p.put("timestamp", "2100");

    assertThat(SmsSignatures.canonical(p, true)).isEqualTo("&a_b=1&b=x_y_z&timestamp=2100");
    assertThat(SmsSignatures.sign(p, SignatureMethod.SHA1, SECRET))
        .isEqualTo("671ce73ad9cc92230b753c02c641f0755b88ef54");
  }

  @Test
  void nonAsciiValuesAreHashedAsUtf8() {
    // python3: hmac.new(b"abcde", "&text=Grüße&timestamp=2100".encode("utf-8"), "sha256").hexdigest()
    Map<String, String> p = new LinkedHashMap<>();
    p.put("text", "Grüße");
    p.put("timestamp", "2100");

    assertThat(SmsSignatures.canonical(p, true).getBytes(StandardCharsets.UTF_8)).hasSize(28);
    assertThat(SmsSignatures.sign(p, SignatureMethod.SHA256, SECRET))
        .isEqualTo("59dc2f34f53da262b73302c9ec139161dd9a6a36e8c793ab79e5279d1427462e");
  }

  @Test
  void tamperedValueIsRejected() {
    Map<String, String> p = alphabet();
    p.put("b", "bananaz");
    p.put("sig", "b7f749de27b4adcf736cc95c9a7e059a16c85127");

    assertThatThrownBy(() -> SmsSignatures.verify(p, SignatureMethod.SHA1, SECRET, Instant.ofEpochSecond(2100),
        WINDOW)).isInstanceOf(WebhookVerificationException.class).hasMessageContaining("sig does not match");
  }

  @Test
  void addedParameterIsRejected() {
    Map<String, String> p = alphabet();
    p.put("c", "cherries");
    p.put("sig", "b7f749de27b4adcf736cc95c9a7e059a16c85127");

    assertThatThrownBy(() -> SmsSignatures.verify(p, SignatureMethod.SHA1, SECRET, Instant.ofEpochSecond(2100),
        WINDOW)).isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void wrongSecretOrWrongMethodIsRejected() {
    Map<String, String> p = alphabet();
    p.put("sig", "b7f749de27b4adcf736cc95c9a7e059a16c85127");

    assertThatThrownBy(() -> SmsSignatures.verify(p, SignatureMethod.SHA1, Secret.of("abcdf"),
        Instant.ofEpochSecond(2100), WINDOW)).isInstanceOf(WebhookVerificationException.class);
    assertThatThrownBy(() -> SmsSignatures.verify(p, SignatureMethod.SHA256, SECRET, Instant.ofEpochSecond(2100),
        WINDOW)).isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void missingSigIsRejected() {
    assertThatThrownBy(() -> SmsSignatures.verify(alphabet(), SignatureMethod.SHA1, SECRET,
        Instant.ofEpochSecond(2100), WINDOW)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("no sig");
  }

  @Test
  void timestampOutsideTheWindowIsRejectedEitherWay() {
    Map<String, String> p = alphabet();
    p.put("sig", "b7f749de27b4adcf736cc95c9a7e059a16c85127");

    assertThatCode(() -> SmsSignatures.verify(p, SignatureMethod.SHA1, SECRET, Instant.ofEpochSecond(2100 + 300),
        WINDOW)).doesNotThrowAnyException();
    assertThatThrownBy(() -> SmsSignatures.verify(p, SignatureMethod.SHA1, SECRET, Instant.ofEpochSecond(2100 + 301),
        WINDOW)).isInstanceOf(WebhookVerificationException.class).hasMessageContaining("timestamp");
    assertThatThrownBy(() -> SmsSignatures.verify(p, SignatureMethod.SHA1, SECRET, Instant.ofEpochSecond(2100 - 301),
        WINDOW)).isInstanceOf(WebhookVerificationException.class).hasMessageContaining("timestamp");
  }

  @Test
  void missingOrMalformedTimestampIsRejected() {
    Map<String, String> noTimestamp = new LinkedHashMap<>(Map.of("a", "alphabet", "sig", "00"));
    Map<String, String> words = new LinkedHashMap<>(Map.of("a", "alphabet", "timestamp", "yesterday", "sig", "00"));

    assertThatThrownBy(() -> SmsSignatures.verify(noTimestamp, SignatureMethod.SHA1, SECRET,
        Instant.ofEpochSecond(2100), WINDOW)).isInstanceOf(WebhookVerificationException.class);
    assertThatThrownBy(() -> SmsSignatures.verify(words, SignatureMethod.SHA1, SECRET, Instant.ofEpochSecond(2100),
        WINDOW)).isInstanceOf(WebhookVerificationException.class);
  }

  // python3 over the DLR parameters of SmsWebhookTest plus account-ref="", secret sig-secret-0123456789abcdef:
  //   blank left out  -> 68cb2004e070ec7fd746d2fa3c18ab557f804968277da8abb03b56e99cbc512e (Java SDK's rule)
  //   blank kept      -> b28796c2fa24e5a7990feb1a0d6994497b08e26afbd6aaaafe402f16a3e7b117 (Node SDK's rule)
  @Test
  void blankParametersVerifyUnderEitherSdkRule() {
    Secret secret = Secret.of(Fixtures.SIGNATURE_SECRET);
    Instant now = Instant.ofEpochSecond(1_699_999_995L);
    Map<String, String> skipped = SmsWebhookTest.dlr();
    skipped.put("account-ref", "");
    skipped.put("sig", "68cb2004e070ec7fd746d2fa3c18ab557f804968277da8abb03b56e99cbc512e");
    Map<String, String> kept = new LinkedHashMap<>(skipped);
    kept.put("sig", "b28796c2fa24e5a7990feb1a0d6994497b08e26afbd6aaaafe402f16a3e7b117");

    assertThatCode(() -> SmsSignatures.verify(skipped, SignatureMethod.SHA256, secret, now, WINDOW))
        .doesNotThrowAnyException();
    assertThatCode(() -> SmsSignatures.verify(kept, SignatureMethod.SHA256, secret, now, WINDOW))
        .doesNotThrowAnyException();
  }

  @Test
  void unknownMethodNameIsRefused() {
    assertThatThrownBy(() -> SignatureMethod.fromSetting("settings.signatureMethod", "sha384"))
        .hasMessageContaining("md5hash, md5, sha1, sha256, sha512");
  }
}
