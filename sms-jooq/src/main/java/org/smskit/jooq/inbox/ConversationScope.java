package org.smskit.jooq.inbox;

/**
 * What one conversation is: the thread between one outside number and
 * <ul>
 *   <li>{@link #PER_NUMBER}: one of our numbers (key {@code n:<our number>:<their number>});
 *   <li>{@link #PER_SERVICE}: one messaging service, whichever of its numbers is used (key
 *       {@code s:<service id>:<their number>}), falling back to per-number when no service is involved.
 * </ul>
 * Keys are deterministic, so outbound and inbound messages between the same parties land in the same
 * conversation. Characters other than letters, digits, {@code +}, {@code _} and {@code -} in an address (the
 * spaces of a sender ID) become {@code _}.
 */
public enum ConversationScope {
  PER_NUMBER,
  PER_SERVICE
}
