package org.smskit.examples.boot;

import java.util.UUID;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.sending.SendRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The README's Spring Boot quick start, compiled (examples' ReadmeSnippetsTest checks the README against it). */
final class ReadmeOrderService {
  private ReadmeOrderService() {}

@Service
class OrderService {
  private final JdbcTemplate jdbc;
  private final SmsService sms;

  OrderService(JdbcTemplate jdbc, SmsService sms) {
    this.jdbc = jdbc;
    this.sms = sms;
  }

  @Transactional // the order and its SMS are stored together, or neither
  public void placeOrder(String phone, UUID serviceId) {
    jdbc.update("INSERT INTO orders (phone) VALUES (?)", phone);
    sms.queue(SendRequest.to(phone).fromService(serviceId).body("We received your order").build());
  }
}
}
