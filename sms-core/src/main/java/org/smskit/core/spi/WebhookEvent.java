package org.smskit.core.spi;

/**
 * What a verified webhook means: an inbound message, a status change of a message we sent, or nothing to do
 * yet ({@link Acknowledged}, for example one part of a message that arrives in several).
 */
public sealed interface WebhookEvent permits InboundMessageEvent, StatusUpdateEvent, WebhookEvent.Acknowledged {

  /** The provider's SPI name. */
  String provider();

  /** A verified request that carries nothing to store yet; answer the provider with success. */
  record Acknowledged(String provider, String reason) implements WebhookEvent {}
}
