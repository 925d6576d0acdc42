package org.smskit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smskit.twilio.Fixtures.params;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Twilio's published example (docs and twilio-java's {@code RequestValidatorTest}): token {@code 12345}, URL
 * {@code https://mycompany.com/myapp.php?foo=1&bar=2}, the parameters below, signature
 * {@code RSOYDt4T1cUTdK1PDd93/VVr8B8=}; the other vectors come from the same test class.
 */
class TwilioSignatureTest {
  private static final byte[] TOKEN = "12345".getBytes(StandardCharsets.UTF_8);
  private static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
  private static final Map<String, List<String>> PARAMS = params(
      "Digits", "1234", "CallSid", "CA1234567890ABCDE", "To", "+18005551212", "Caller", "+14158675309",
      "From", "+14158675309");
  private static final String EXPECTED = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

  @Test
  void twilioPublishedExampleSignsAsTwilioDocuments() {
    assertThat(TwilioSignature.sign(TOKEN, URL, PARAMS)).isEqualTo(EXPECTED);
    assertThat(TwilioSignature.matches(TOKEN, URI.create(URL), PARAMS, EXPECTED)).isTrue();
  }

  @Test
  void twilioPortVectorsMatch() {
    assertThat(TwilioSignature.sign(TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", PARAMS))
        .isEqualTo("kvajT1Ptam85bY51eRf/AJRuM3w=");
    assertThat(TwilioSignature.sign(TOKEN, "http://mycompany.com:80/myapp.php?foo=1&bar=2", PARAMS))
        .isEqualTo("0ZXoZLH/DfblKGATFgpif+LLRf4=");
    assertThat(TwilioSignature.sign(TOKEN, "http://mycompany.com:1234/myapp.php?foo=1&bar=2", PARAMS))
        .isEqualTo("Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
  }

  @Test
  void twilioNoParameterAndNoQueryVectorsMatch() {
    assertThat(TwilioSignature.sign(TOKEN, URL, Map.of())).isEqualTo("zYQTYrRWXE7LtzbG4PfP7/bkkGo=");
    assertThat(TwilioSignature.sign(TOKEN, "https://mycompany.com/myapp.php", PARAMS))
        .isEqualTo("1xaxFBvyzXYvWplzNOSs28HWO94=");
  }

  @Test
  void signatureMatchesWithTheDefaultPortAddedOrAnyPortRemoved() {
    // Twilio signs with or without the port, inconsistently; both SDKs accept either.
    assertThat(TwilioSignature.matches(TOKEN, URI.create("https://mycompany.com:443/myapp.php?foo=1&bar=2"), PARAMS,
        EXPECTED)).isTrue();
    assertThat(TwilioSignature.matches(TOKEN, URI.create("https://mycompany.com:1234/myapp.php?foo=1&bar=2"),
        PARAMS, EXPECTED)).isTrue();
    assertThat(TwilioSignature.matches(TOKEN, URI.create(URL), PARAMS, "kvajT1Ptam85bY51eRf/AJRuM3w=")).isTrue();
    assertThat(TwilioSignature.matches(TOKEN, URI.create("http://mycompany.com:1234/myapp.php?foo=1&bar=2"),
        PARAMS, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")).isTrue();
  }

  @Test
  void tamperedParameterValueFails() {
    Map<String, List<String>> tampered = new LinkedHashMap<>(PARAMS);
    tampered.put("Digits", List.of("1235"));
    assertThat(TwilioSignature.matches(TOKEN, URI.create(URL), tampered, EXPECTED)).isFalse();
  }

  @Test
  void addedOrRemovedParameterFails() {
    Map<String, List<String>> added = new LinkedHashMap<>(PARAMS);
    added.put("Body", List.of(""));
    Map<String, List<String>> removed = new LinkedHashMap<>(PARAMS);
    removed.remove("Caller");
    assertThat(TwilioSignature.matches(TOKEN, URI.create(URL), added, EXPECTED)).isFalse();
    assertThat(TwilioSignature.matches(TOKEN, URI.create(URL), removed, EXPECTED)).isFalse();
  }

  @Test
  void tamperedUrlFails() {
    for (String url : List.of("http://mycompany.com/myapp.php?foo=1&bar=2", "https://mycompany.org/myapp.php?foo=1&bar=2",
        "https://mycompany.com/myapp.php?foo=1&bar=3", "https://mycompany.com/myapp.php?bar=2&foo=1",
        "https://mycompany.com/other.php?foo=1&bar=2", "https://mycompany.com/myapp.php")) {
      assertThat(TwilioSignature.matches(TOKEN, URI.create(url), PARAMS, EXPECTED)).as(url).isFalse();
    }
  }

  @Test
  void wrongTokenFails() {
    assertThat(TwilioSignature.matches("12346".getBytes(StandardCharsets.UTF_8), URI.create(URL), PARAMS, EXPECTED))
        .isFalse();
  }

  @Test
  void missingOrMangledSignatureFails() {
    assertThat(TwilioSignature.matches(TOKEN, URI.create(URL), PARAMS, null)).isFalse();
    assertThat(TwilioSignature.matches(TOKEN, URI.create(URL), PARAMS, "")).isFalse();
    assertThat(TwilioSignature.matches(TOKEN, URI.create(URL), PARAMS, EXPECTED.toLowerCase())).isFalse();
    assertThat(TwilioSignature.matches(TOKEN, URI.create(URL), PARAMS, EXPECTED + " ")).isFalse();
  }

  @Test
  void namesSortByCodeUnitSoCaseMatters() {
    Map<String, List<String>> mixed = params("callSid", "c", "CallSid", "b", "CALLSID", "a");
    assertThat(TwilioSignature.sign(TOKEN, URL, mixed))
        .isEqualTo(TwilioSignature.sign(TOKEN, URL + "CALLSIDaCallSidbcallSidc", Map.of()));
  }

  @Test
  void repeatedParameterContributesEachDistinctValueSorted() {
    Map<String, List<String>> repeated = Map.of("MediaUrl", List.of("b", "a", "b"), "To", List.of("+1"));
    assertThat(TwilioSignature.sign(TOKEN, URL, repeated))
        .isEqualTo(TwilioSignature.sign(TOKEN, URL + "MediaUrlaMediaUrlbTo+1", Map.of()));
  }

  @Test
  void twilioJsonBodyVectorsMatch() {
    byte[] body = "{\"property\": \"value\", \"boolean\": true}".getBytes(StandardCharsets.UTF_8);
    String hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

    assertThat(TwilioSignature.bodySha256(body)).isEqualTo(hash);
    assertThat(TwilioSignature.bodyMatches(body, hash)).isTrue();
    assertThat(TwilioSignature.sign(TOKEN, URL + "&bodySHA256=" + hash, Map.of()))
        .isEqualTo("a9nBmqA0ju/hNViExpshrM61xv4=");
  }

  @Test
  void tamperedJsonBodyFailsItsHash() {
    byte[] body = "{\"property\": \"value\", \"boolean\": false}".getBytes(StandardCharsets.UTF_8);
    assertThat(TwilioSignature.bodyMatches(body,
        "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620")).isFalse();
    assertThat(TwilioSignature.bodyMatches(body, null)).isFalse();
  }

  @Test
  void urlIsSignedAsEncodedWithoutReencoding() {
    URI url = URI.create("https://example.com/hook?name=O%27Brien&x=a+b#rc=2");
    assertThat(TwilioSignature.withoutPort(url)).isEqualTo("https://example.com/hook?name=O%27Brien&x=a+b#rc=2");
    assertThat(TwilioSignature.withPort(url)).isEqualTo("https://example.com:443/hook?name=O%27Brien&x=a+b#rc=2");
    assertThat(TwilioSignature.withPort(URI.create("http://user:pw@example.com/h")))
        .isEqualTo("http://user:pw@example.com:80/h");
  }
}
