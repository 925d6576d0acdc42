package org.smskit.core.phone;

import com.google.i18n.phonenumbers.Phonenumber;
import java.util.List;

/**
 * Where {@link PhoneNumbers} gets a number's candidate time zones. The intended source is libphonenumber's own
 * {@code PhoneNumberToTimeZonesMapper.getInstance()::getTimeZonesForNumber} (artifact
 * {@code com.googlecode.libphonenumber:geocoder}, the 3.x line that pairs with libphonenumber 9.0.x); that
 * artifact is not served by the registry this project builds from, so until it is the default is {@link #NONE}
 * and details carry no time zones. Kept package-private so that the source can change without an API change.
 */
@FunctionalInterface
interface TimeZoneLookup {
  /** Knows no time zones. */
  TimeZoneLookup NONE = number -> List.of();

  /**
   * Candidate IANA zone ids for a valid number, most likely first. May contain libphonenumber's
   * {@code Etc/Unknown}, which callers drop.
   */
  List<String> timeZonesFor(Phonenumber.PhoneNumber number);
}
