package org.smskit.examples;

import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderCapabilities;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviderFactory;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;

/** The README's one-class provider plugin, compiled and exercised by {@link ReadmeSnippetsTest}. */
public final class AcmeProvider implements SmsProviderFactory, SmsProvider {
  @Override public String name() { return "acme"; }
  @Override public SmsProvider create(ProviderConfig config) { return new AcmeProvider(); }
  @Override public ProviderCapabilities capabilities() { return ProviderCapabilities.builder().unicode(true).build(); }
  @Override public SendResult send(OutboundMessage message) {
    String id = "acme-" + message.messageId();
    return SendResult.builder(id, MessageStatus.SENDING).segments(1).rawResponse("{}").build();
  }
  @Override public WebhookEvent parseWebhook(WebhookRequest request, WebhookContext context) {
    throw new WebhookVerificationException(name(), "acme sends no webhooks");
  }
}
