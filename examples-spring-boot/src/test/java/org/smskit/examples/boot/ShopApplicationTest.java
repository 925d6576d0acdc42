package org.smskit.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.model.Message;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/**
 * The example application as it runs, on a real PostgreSQL (embedded, or SMS_TEST_JDBC_URL's): an order and its
 * SMS are stored together or not at all, the dispatcher sends after the commit, and the delivery report comes in
 * through the webhook endpoint, signed over the configured public URL.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ShopApplicationTest {
  static final TestDatabase db = TestPostgres.newDatabase();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", db::jdbcUrl);
    registry.add("smskit.keys.ring.test", () -> AesKeys.toBase64(AesKeys.generate()));
  }

  /** Drops the database when the context closes, after the dispatcher stopped (an @AfterAll would run before). */
  @TestConfiguration
  static class DropDatabase {
    @Bean
    DisposableBean dropTestDatabase() {
      return db::close;
    }
  }

  @Autowired OrderService orders;
  @Autowired SmsService sms;
  @Autowired JdbcTemplate jdbc;
  @Autowired MockMvc mvc;
  @Autowired SmsSetup setup;

  @Test
  void aFailedOrderLeavesNeitherTheOrderNorItsSms() {
    assertThatThrownBy(() -> orders.placeOrder("(415) 555-0188", "Nothing", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE phone = '(415) 555-0188'", Long.class))
        .isZero();
    assertThat(jdbc.queryForObject("SELECT count(*) FROM smskit.sms_messages WHERE to_number = '+14155550188'",
        Long.class)).isZero();
  }

  @Test
  void anOrderIsConfirmedSentAndMarkedNotifiedWhenTheDeliveryReportArrives() throws Exception {
    long order = orders.placeOrder("(415) 555-0123", "Coffee beans", 2);
    UUID messageId = jdbc.queryForObject("SELECT sms_message_id FROM orders WHERE id = ?", UUID.class, order);

    Message sent = awaitProviderId(messageId); // the provider accepted it: sending, with the provider's id
    assertThat(sent.body()).contains("2 x Coffee beans");

    SimulatedProvider provider = (SimulatedProvider) sms.provider(setup.accountId());
    WebhookRequest report = provider.statusCallback(sms.webhookUrl(setup.accountId()).orElseThrow(),
        sent.providerMessageSid(), MessageStatus.DELIVERED, null);
    String path = "/smskit/webhooks/default/" + setup.accountId();
    assertThat(post(path, report)).isEqualTo(200);

    assertThat(sms.message(messageId).message().status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(jdbc.queryForObject("SELECT sms_delivered_at IS NOT NULL FROM orders WHERE id = ?", Boolean.class,
        order)).as("marked by the listener").isTrue();

    // Tampered (signed for another URL): refused.
    WebhookRequest forged = provider.statusCallback(java.net.URI.create("https://elsewhere.example.com" + path),
        sent.providerMessageSid(), MessageStatus.FAILED, null);
    assertThat(post(path, forged)).isEqualTo(403);
    assertThat(sms.message(messageId).message().status()).isEqualTo(MessageStatus.DELIVERED);
  }

  @Test
  void theHealthEndpointReportsSmskit() throws Exception {
    String health = mvc.perform(get("/actuator/health")).andReturn().getResponse().getContentAsString();
    assertThat(health).contains("\"smskit\":{\"status\":\"UP\"").contains("\"queued\"");
  }

  /** Posts what the provider would send to the local path of the endpoint; returns the status. */
  private int post(String path, WebhookRequest webhook) throws Exception {
    String signature = webhook.header(SimulatedProvider.SIGNATURE_HEADER).orElseThrow();
    return mvc.perform(MockMvcRequestBuilders.post(path).contentType(webhook.header("Content-Type").orElseThrow())
            .content(webhook.body()).header(SimulatedProvider.SIGNATURE_HEADER, signature))
        .andReturn().getResponse().getStatus();
  }

  private Message awaitProviderId(UUID messageId) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (true) {
      Message message = sms.message(messageId).message();
      if (message.providerMessageSid() != null || Instant.now().isAfter(deadline)) {
        assertThat(message.providerMessageSid()).as("sent by the dispatcher").isNotNull();
        return message;
      }
      Thread.sleep(50);
    }
  }

}
