package org.smskit.core.phone;

import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.List;

/**
 * Where {@link PhoneNumbers} gets a number's candidate time zones: libphonenumber's own
 * {@code PhoneNumberToTimeZonesMapper} ({@link #LIBPHONENUMBER}, artifact
 * {@code com.googlecode.libphonenumber:geocoder}). A seam so tests can show how results are filtered.
 */
@FunctionalInterface
interface TimeZoneLookup {
  /** Knows no time zones. */
  TimeZoneLookup NONE = number -> List.of();

  /** libphonenumber's mapping from number prefixes to IANA zones (loaded lazily on first use). */
  TimeZoneLookup LIBPHONENUMBER =
      number -> PhoneNumberToTimeZonesMapper.getInstance().getTimeZonesForNumber(number);

  /**
   * Candidate IANA zone ids for a valid number, most likely first. May contain libphonenumber's
   * {@code Etc/Unknown}, which callers drop.
   */
  List<String> timeZonesFor(Phonenumber.PhoneNumber number);
}
