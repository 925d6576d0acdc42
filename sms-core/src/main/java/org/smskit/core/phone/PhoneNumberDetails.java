package org.smskit.core.phone;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.smskit.core.Nullable;

/**
 * What libphonenumber knows about one number: the parts a contacts table stores beside the E.164 value. Made by
 * {@link PhoneNumbers#details(PhoneNumber)} and {@link PhoneNumbers#parseDetails(String, String, String)}.
 *
 * @param number the number in E.164
 * @param countryCode the country calling code, digits without {@code +}, such as {@code 44}
 * @param regionCode the ISO 3166-1 alpha-2 region, such as {@code GB}; null for non-geographic numbers ({@code +800})
 *     and for numbers outside every assigned range
 * @param areaCode the national destination code, such as {@code 415} for {@code +1 415} or {@code 20} for
 *     {@code +44 20}; for mobiles it is the operator prefix. Null where the number has none or is not valid
 * @param type the kind of line the number's range is assigned to
 * @param timeZones candidate IANA zone ids, most likely first; empty when unknown (never {@code Etc/Unknown}).
 *     For now always empty: libphonenumber ships its time-zone data in the separate {@code geocoder} artifact,
 *     which this build does not yet have
 * @param extension the extension typed after the number ({@code ext. 123}); SMS cannot dial it, so it is never part
 *     of {@code number}. Null when none was typed, and always null from {@link PhoneNumbers#details(PhoneNumber)}
 */
public record PhoneNumberDetails(
    PhoneNumber number,
    String countryCode,
    @Nullable String regionCode,
    @Nullable String areaCode,
    NumberType type,
    List<String> timeZones,
    @Nullable String extension) {

  public PhoneNumberDetails {
    requireNonNull(number, "number");
    requireNonNull(countryCode, "countryCode");
    requireNonNull(type, "type");
    timeZones = List.copyOf(requireNonNull(timeZones, "timeZones"));
  }

  /** The most likely time zone, for a contact's single {@code timezone} column. */
  public Optional<String> primaryTimeZone() {
    return timeZones.stream().findFirst();
  }

  /** Masked like {@link PhoneNumber#toString()}: details travel into logs too. */
  @Override
  public String toString() {
    return "PhoneNumberDetails[number=" + number.masked() + ", countryCode=" + countryCode + ", regionCode="
        + regionCode + ", areaCode=" + areaCode + ", type=" + type + ", timeZones=" + timeZones
        + ", extension=" + (extension == null ? null : "***") + "]";
  }
}
