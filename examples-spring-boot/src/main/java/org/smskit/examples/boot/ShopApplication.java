package org.smskit.examples.boot;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.event.SmsListener;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A shop on Spring Boot and the smskit starter: placing an order stores it and queues its confirmation SMS in one
 * transaction ({@link OrderService}); the dispatcher sends it after the commit; the provider's delivery report
 * arrives at the webhook endpoint ({@code smskit.webhook.*}) and a listener marks the order notified. It uses the
 * simulated provider, so it runs without an SMS account.
 *
 * <p>Run it with {@code mvn -q -DskipTests -Pboot-example verify -pl examples-spring-boot -am}: without
 * {@code spring.datasource.url} it starts an embedded PostgreSQL, and without {@code SMSKIT_KEYS} it makes a
 * throw-away key.
 */
@SpringBootApplication
public class ShopApplication {
  public static void main(String[] args) throws IOException {
    if (System.getProperty("spring.datasource.url") == null && System.getenv("SPRING_DATASOURCE_URL") == null) {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
      System.setProperty("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
    }
    if (System.getenv("SMSKIT_KEYS") == null) {
      // Demo only: a key that lives as long as the process. Give real keys through SMSKIT_KEYS or smskit.keys.*.
      System.setProperty("smskit.keys.ring.demo", AesKeys.toBase64(AesKeys.generate()));
    }
    SpringApplication.run(ShopApplication.class, args);
  }

  /** The simulated provider; real applications add sms-provider-twilio or sms-provider-vonage instead. */
  @Bean
  SimulatedProviderFactory simulatedProvider() {
    return new SimulatedProviderFactory();
  }

  /** Marks an order notified when its SMS is delivered (smskit calls listeners after its commit). */
  @Bean
  SmsListener markOrderNotified(JdbcTemplate jdbc) {
    return event -> {
      if (event instanceof SmsEvent.MessageStatusChanged changed
          && changed.message().status() == MessageStatus.DELIVERED) {
        jdbc.update("UPDATE orders SET sms_delivered_at = now() WHERE sms_message_id = ?", changed.message().id());
      }
    };
  }
}
