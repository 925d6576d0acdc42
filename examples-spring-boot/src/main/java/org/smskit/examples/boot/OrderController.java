package org.smskit.examples.boot;

import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code curl -d phone=4155550123 -d item=Tea -d quantity=1 localhost:8080/orders} places an order. */
@RestController
class OrderController {
  private final OrderService orders;

  OrderController(OrderService orders) {
    this.orders = orders;
  }

  @PostMapping("/orders")
  Map<String, Object> place(@RequestParam String phone, @RequestParam String item, @RequestParam int quantity) {
    return Map.of("order", orders.placeOrder(phone, item, quantity));
  }
}
