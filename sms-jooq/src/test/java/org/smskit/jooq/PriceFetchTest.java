package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.model.Message;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.twilio.TwilioProviderFactory;

/**
 * Twilio states a message's price only some time after the send, on a status fetch: {@code fetchPrices} asks for
 * the prices still missing and stores them, against a loopback Twilio that answers as Twilio does.
 */
class PriceFetchTest extends DispatchTestBase {
  private static final String ACCOUNT_SID = "AC" + "0123456789abcdef".repeat(2);

  private MockWebServer server;
  private final List<String> fetched = new CopyOnWriteArrayList<>();
  private volatile String price = "null";

  @BeforeEach
  void startTwilio() throws IOException {
    server = new MockWebServer();
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      int sids;

      @Override
      public synchronized MockResponse dispatch(RecordedRequest request) {
        if (request.getMethod().equals("POST")) {
          return json(201, "SM" + String.format("%032d", ++sids), "queued", "null");
        }
        String path = request.getUrl().encodedPath();
        String sid = path.substring(path.lastIndexOf('/') + 1, path.length() - ".json".length());
        fetched.add(sid);
        return json(200, sid, "delivered", price);
      }
    });
    server.start();
  }

  @AfterEach
  void stopTwilio() {
    server.close();
  }

  private static MockResponse json(int code, String sid, String status, String price) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body("""
        {"sid": "%s", "account_sid": "%s", "status": "%s", "direction": "outbound-api", "num_segments": "1",
         "price": %s, "price_unit": "USD", "error_code": null, "error_message": null}
        """.formatted(sid, ACCOUNT_SID, status, price)).build();
  }

  @Test
  void pricesTwilioReportsLateAreFetchedOnceAndNeverOverwritten() throws Exception {
    SmsService twilio = service(builder(), b -> b.providers(SmsProviders.of(new TwilioProviderFactory(), providers)));
    UUID account = twilio.registerSenderAccount("Twilio", "twilio", ACCOUNT_SID, "f2e1d0c9b8a7f6e5d4c3b2a190817263",
        "{\"baseUrl\": \"" + server.url("/") + "\"}", Map.of()).id();
    UUID number = twilio.addPhoneNumber(account, OUR_PRIMARY, "Main", true).id();
    UUID first = twilio.queue(SendRequest.to(CUSTOMER).fromNumber(number).body("one").build()).messageId();
    UUID second = twilio.queue(SendRequest.to(CUSTOMER).fromNumber(number).body("two").build()).messageId();
    UUID notSent = twilio.queue(SendRequest.to(CUSTOMER).fromNumber(number).body("later")
        .sendAt(T0.plus(Duration.ofDays(1))).build()).messageId();
    drain(dispatcher(twilio, config().longCodeRate(0).build()));
    assertThat(twilio.message(first).message().price()).as("Twilio's answer to the send has none yet").isNull();

    var analytics = twilio.deliveryAnalytics();
    // Twilio has no price yet either: nothing stored, and asked again next time.
    assertThat(analytics.fetchPrices(T0.minusSeconds(60), T0.plusSeconds(60), 100)).isZero();
    assertThat(fetched).hasSize(2);

    price = "\"-0.00790\"";
    assertThat(analytics.fetchPrices(T0.minusSeconds(60), T0.plusSeconds(60), 1)).isEqualTo(1);
    Message priced = twilio.message(first).message();
    assertThat(priced.price()).isEqualByComparingTo("0.0079");
    assertThat(priced.priceUnit()).isEqualTo("USD");
    assertThat(twilio.message(second).message().price()).as("beyond the limit").isNull();

    price = "\"-0.10000\"";
    assertThat(analytics.fetchPrices(T0.minusSeconds(60), T0.plusSeconds(60), 100)).isEqualTo(1);
    assertThat(twilio.message(first).message().price()).as("never overwritten").isEqualByComparingTo("0.0079");
    assertThat(twilio.message(second).message().price()).isEqualByComparingTo("0.1");
    assertThat(fetched).as("a priced message is not asked about again; one never sent is not asked about")
        .hasSize(4).doesNotContain(String.valueOf(notSent));
    assertThat(analytics.fetchPrices(T0.minusSeconds(60), T0.plusSeconds(60), 100)).isZero();
    assertThat(fetched).hasSize(4);
    assertThat(analytics.bySenderNumber(T0.minusSeconds(60), T0.plusSeconds(60)).get(0).cost())
        .containsExactly(Map.entry("USD", new java.math.BigDecimal("0.107900")));
  }
}
