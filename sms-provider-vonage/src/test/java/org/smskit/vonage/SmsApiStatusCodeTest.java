package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;

/** Every row of the SMS API status table, each through a real HTTP 200 answer. */
class SmsApiStatusCodeTest {
  /** The README's table: code → kind. */
  private static final Map<Integer, Kind> TABLE = new LinkedHashMap<>();

  static {
    TABLE.put(1, Kind.RATE_LIMITED);      // throttled
    TABLE.put(2, Kind.PERMANENT);         // missing parameters
    TABLE.put(3, Kind.PERMANENT);         // invalid parameters
    TABLE.put(4, Kind.BAD_CREDENTIALS);   // invalid credentials
    TABLE.put(5, Kind.RETRYABLE);         // internal error
    TABLE.put(6, Kind.PERMANENT);         // invalid message
    TABLE.put(7, Kind.PERMANENT);         // number barred
    TABLE.put(8, Kind.BAD_CREDENTIALS);   // partner account barred
    TABLE.put(9, Kind.PERMANENT);         // partner quota exceeded
    TABLE.put(10, Kind.RATE_LIMITED);     // too many existing binds
    TABLE.put(11, Kind.PERMANENT);        // account not enabled for HTTP
    TABLE.put(12, Kind.PERMANENT);        // message too long
    TABLE.put(13, Kind.RETRYABLE);        // communication failure
    TABLE.put(14, Kind.BAD_CREDENTIALS);  // invalid signature
    TABLE.put(15, Kind.PERMANENT);        // invalid sender address
    TABLE.put(16, Kind.PERMANENT);        // invalid TTL
    TABLE.put(17, Kind.PERMANENT);        // number unreachable
    TABLE.put(18, Kind.PERMANENT);        // too many destinations
    TABLE.put(19, Kind.PERMANENT);        // facility not allowed
    TABLE.put(20, Kind.PERMANENT);        // invalid message class
    TABLE.put(22, Kind.PERMANENT);        // invalid network code
    TABLE.put(23, Kind.PERMANENT);        // invalid callback URL
    TABLE.put(29, Kind.PERMANENT);        // non-whitelisted destination
    TABLE.put(32, Kind.BAD_CREDENTIALS);  // signature and API secret both sent
    TABLE.put(33, Kind.PERMANENT);        // number de-activated
    TABLE.put(99, Kind.PERMANENT);        // undocumented: nothing was queued
  }

  @StartStop
  private final MockWebServer server = new MockWebServer();

  static Stream<Arguments> rows() {
    return TABLE.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "status {0} is {1}")
  @MethodSource("rows")
  void eachStatusCodeMapsToItsKind(int code, Kind kind) {
    server.enqueue(new MockResponse.Builder().code(200).body("{\"message-count\":\"1\",\"messages\":[{\"status\":\""
        + code + "\",\"error-text\":\"text for " + code + "\"}]}").build());
    VonageProvider vonage = Fixtures.provider(Fixtures.config("{\"smsBaseUrl\":\"" + server.url("/") + "\"}"));
    OutboundMessage message = OutboundMessage.sms(Fixtures.MESSAGE_ID, PhoneNumber.of("+14155550100"),
        PhoneNumber.of("+447700900123"), "Hi");

    assertThatThrownBy(() -> vonage.send(message))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.kind()).isEqualTo(kind);
          assertThat(e.providerCode()).contains(Integer.toString(code));
          assertThat(e.httpStatus()).isEqualTo(200);
          assertThat(e.retryable()).isEqualTo(kind == Kind.RETRYABLE || kind == Kind.RATE_LIMITED);
          assertThat(e.getMessage()).contains("text for " + code);
        });
  }

  @Test
  void theTableCoversEveryDocumentedCode() {
    assertThat(TABLE.keySet()).containsAll(Arrays.stream(SmsApiStatus.values())
        .filter(s -> s != SmsApiStatus.SUCCESS).map(SmsApiStatus::code).collect(Collectors.toSet()));
    for (SmsApiStatus status : SmsApiStatus.values()) {
      if (status != SmsApiStatus.SUCCESS) {
        assertThat(SmsApiStatus.kindOf(status.code())).as("status %s", status.code())
            .isEqualTo(TABLE.get(status.code()));
      }
    }
  }
}
