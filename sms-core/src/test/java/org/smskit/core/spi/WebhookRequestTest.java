package org.smskit.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookRequestTest {

  @Test
  void formParametersKeepOrderRepeatsAndUnicode() {
    byte[] body = "Body=Hello+%F0%9F%91%8B+%26+bye&MediaUrl=a&MediaUrl=b&Empty=".getBytes(StandardCharsets.UTF_8);
    WebhookRequest request = WebhookRequest.of("post", URI.create("https://example.com/hook"),
        Map.of("content-type", List.of("application/x-www-form-urlencoded; charset=UTF-8")), body);

    Map<String, List<String>> form = request.formParameters();
    assertThat(form.keySet()).containsExactly("Body", "MediaUrl", "Empty");
    assertThat(form.get("Body")).containsExactly("Hello 👋 & bye");
    assertThat(form.get("MediaUrl")).containsExactly("a", "b");
    assertThat(form.get("Empty")).containsExactly("");
    assertThat(request.method()).isEqualTo("POST");
  }

  @Test
  void headersAreMatchedWithoutRegardToCase() {
    WebhookRequest request = WebhookRequest.of("POST", URI.create("https://example.com/"),
        Map.of("X-Twilio-Signature", List.of("abc")), new byte[0]);
    assertThat(request.header("x-twilio-signature")).contains("abc");
    assertThat(request.header("X-Missing")).isEmpty();
  }

  @Test
  void aJsonBodyHasNoFormParameters() {
    WebhookRequest request = WebhookRequest.of("POST", URI.create("https://example.com/?a=1&b=x%20y"),
        Map.of("Content-Type", List.of("application/json")), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(request.formParameters()).isEmpty();
    assertThat(request.queryParameters()).containsEntry("a", List.of("1")).containsEntry("b", List.of("x y"));
  }

  @Test
  void encodeThenDecodeIsIdentity() {
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("To", List.of("+14155550100"));
    params.put("Body", List.of("ça & €=100%"));
    params.put("MediaUrl", List.of("https://x/y?z=1", "https://x/w"));
    assertThat(FormEncoding.decode(FormEncoding.encode(params))).isEqualTo(params);
  }

  @Test
  void toStringHidesTheBody() {
    WebhookRequest request = WebhookRequest.form(URI.create("https://example.com/sms/inbound?x=1"), Map.of(),
        Map.of("From", List.of("+14155550100")));
    assertThat(request.toString()).doesNotContain("4155550100").contains("/sms/inbound");
  }

  @Test
  void bodyCannotBeChangedFromOutside() {
    byte[] body = "a=1".getBytes(StandardCharsets.UTF_8);
    WebhookRequest request = WebhookRequest.of("POST", URI.create("https://e.com/"),
        Map.of("Content-Type", List.of("application/x-www-form-urlencoded")), body);
    body[2] = '2';
    request.body()[2] = '3';
    assertThat(request.bodyText()).isEqualTo("a=1");
  }
}
