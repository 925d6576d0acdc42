package org.smskit.jooq.reporting;

/** What a delivery report groups outbound messages by. */
public enum DeliveryDimension {
  /** The messaging service a message went out under ({@code service_account_id}); none for direct sends. */
  SERVICE,
  /** The host's campaign its service is linked to ({@code linked_campaign_id}); none when not linked. */
  CAMPAIGN,
  /** The sender phone number it went out from (after any failover); its label is the number. */
  SENDER_NUMBER,
  /** The calendar day it was queued, in the report's time zone ({@code yyyy-MM-dd}). */
  DAY
}
