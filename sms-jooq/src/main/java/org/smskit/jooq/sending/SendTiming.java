package org.smskit.jooq.sending;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.smskit.core.Nullable;
import org.smskit.core.model.Contact;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumbers;

/**
 * When and in which order messages go: the priority of a service's traffic, and quiet hours. One home for both
 * rules, used when a message is queued and again just before each request.
 */
public final class SendTiming {
  private SendTiming() {}

  /**
   * Conversation replies and transactional traffic (0) go ahead of messages sent without a service (1), which go
   * ahead of marketing and campaign traffic (2).
   */
  public static int priority(@Nullable ServiceAccount service) {
    if (service == null) {
      return 1;
    }
    return switch (service.serviceType()) {
      case TRANSACTIONAL, CONVERSATION, SUPPORT -> 0;
      case MARKETING, CAMPAIGN -> 2;
    };
  }

  /** True for marketing and campaign services, whose messages quiet hours hold back. */
  public static boolean promotional(@Nullable ServiceAccount service) {
    return service != null
        && (service.serviceType() == ServiceType.MARKETING || service.serviceType() == ServiceType.CAMPAIGN);
  }

  /** {@code due}, or the end of the contact's quiet hours when a marketing or campaign message falls in them. */
  public static Instant quietAdjusted(PhoneNumbers phones, @Nullable QuietHours quiet,
      @Nullable ServiceAccount service, Contact contact, Instant due) {
    if (quiet != null && promotional(service)) {
      ZoneId zone = zoneOf(phones, contact);
      if (zone != null) {
        return quiet.nextAllowed(due, zone);
      }
    }
    return due;
  }

  private static @Nullable ZoneId zoneOf(PhoneNumbers phones, Contact contact) {
    try {
      if (contact.timezone() != null) {
        return ZoneId.of(contact.timezone());
      }
      List<String> zones = phones.details(contact.phone()).timeZones();
      return zones.size() == 1 ? ZoneId.of(zones.get(0)) : null;
    } catch (RuntimeException e) {
      return null; // an unknown zone: quiet hours cannot be applied, the message is not held back
    }
  }
}
