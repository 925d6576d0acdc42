package org.smskit.examples.boot;

import java.util.UUID;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.sending.SendRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Orders and their confirmation SMS, in one transaction: both are stored, or neither. */
@Service
public class OrderService {
  private final JdbcTemplate jdbc;
  private final SmsService sms;
  private final SmsSetup setup;

  public OrderService(JdbcTemplate jdbc, SmsService sms, SmsSetup setup) {
    this.jdbc = jdbc;
    this.sms = sms;
    this.setup = setup;
  }

  /**
   * Stores the order and queues its confirmation; the dispatcher sends it once this transaction committed. An
   * order that fails after that (here: a quantity of zero) takes its SMS with it.
   */
  @Transactional
  public long placeOrder(String phone, String item, int quantity) {
    UUID message = sms.queue(SendRequest.to(phone).fromService(setup.serviceId())
        .body("Thank you! Your order of " + quantity + " x " + item + " is confirmed.").build()).messageId();
    Long id = jdbc.queryForObject("INSERT INTO orders (phone, item, quantity, sms_message_id) VALUES (?, ?, ?, ?)"
        + " RETURNING id", Long.class, phone, item, quantity, message);
    if (quantity <= 0) {
      throw new IllegalArgumentException("quantity must be positive");
    }
    return id;
  }
}
