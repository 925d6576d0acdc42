package org.smskit.test;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.text.SmsText;

/**
 * One message the simulated network accepted, as the provider saw it.
 *
 * @param messageId smskit's id of the message ({@code SendReceipt.messageId()})
 * @param providerMessageId the id the simulated provider gave it
 * @param to the recipient as sent: E.164 for a number
 * @param from the sender number (or short code, sender ID); null when sent through a provider messaging service
 * @param messagingServiceSid the provider-side messaging service it went through, if any
 * @param body the text; null for an MMS without one
 * @param mediaUrls the media, in order
 * @param segments the SMS segments the body takes (1 for media only)
 * @param accountSid the provider account id of the sending account
 */
public record SentSms(UUID messageId, String providerMessageId, String to, @Nullable String from,
    @Nullable String messagingServiceSid, @Nullable String body, List<URI> mediaUrls, int segments,
    String accountSid) {

  public SentSms {
    Require.nonNull(messageId, "messageId");
    Require.nonNull(providerMessageId, "providerMessageId");
    Require.nonNull(to, "to");
    mediaUrls = List.copyOf(Require.nonNull(mediaUrls, "mediaUrls"));
    Require.nonNull(accountSid, "accountSid");
  }

  static SentSms of(SimulatedNetwork.Sent sent) {
    OutboundMessage m = sent.message();
    String body = m.body();
    // The simulated provider counts segments the same way when it answers a send.
    int segments = body == null || body.isEmpty() ? 1 : Math.max(1, SmsText.analyze(body).segments());
    return new SentSms(m.messageId(), sent.providerMessageId(), m.to().value(),
        m.from() == null ? null : m.from().value(), m.messagingServiceSid(), body, m.mediaUrls(), segments,
        sent.accountSid());
  }

  /** True when it carries media (an MMS). */
  public boolean hasMedia() {
    return !mediaUrls.isEmpty();
  }

  /** One line for assertion messages: recipient, sender, body, segments and media. */
  String describe() {
    StringBuilder line = new StringBuilder("to ").append(to).append(" from ")
        .append(from != null ? from : "service " + messagingServiceSid)
        .append(": ").append(body == null ? "(no body)" : '"' + body + '"')
        .append(" (").append(segments).append(segments == 1 ? " segment" : " segments").append(')');
    if (hasMedia()) {
      line.append(" media ").append(mediaUrls);
    }
    return line.toString();
  }
}
