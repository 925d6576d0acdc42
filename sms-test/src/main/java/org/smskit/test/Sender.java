package org.smskit.test;

import java.net.URI;
import java.util.UUID;
import org.smskit.core.Require;
import org.smskit.core.phone.PhoneNumber;

/**
 * A simulated sender that {@link SmsTestKit#addSender} registered: an account of the simulated provider, one
 * primary number and a transactional messaging service over it. Send with {@code fromService(serviceId())},
 * {@code fromNumber(numberId())} or {@code fromAccount(accountId())}.
 *
 * @param webhookUrl the URL the account's webhooks are signed for, {@code <webhookBaseUrl>/<tenant>/<accountId>}
 */
public record Sender(UUID accountId, UUID numberId, PhoneNumber number, UUID serviceId, URI webhookUrl) {
  public Sender {
    Require.nonNull(accountId, "accountId");
    Require.nonNull(numberId, "numberId");
    Require.nonNull(number, "number");
    Require.nonNull(serviceId, "serviceId");
    Require.nonNull(webhookUrl, "webhookUrl");
  }
}
