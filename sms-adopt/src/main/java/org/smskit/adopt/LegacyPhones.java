package org.smskit.adopt;

import java.util.LinkedHashMap;
import java.util.Map;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.PhoneNumbers;

/**
 * Free-form legacy phone text to E.164 with libphonenumber and the configured default region ({@code 00} and
 * national prefixes, spaces, dashes, parentheses). A value that changed spelling is {@code normalised} (its original
 * kept); one that does not parse is {@code not E.164}.
 */
final class LegacyPhones {
  private final PhoneNumbers phones;
  private final String region;
  // Legacy tables repeat the same few thousand numbers in every message; parsing each once makes the conversion
  // of messages several times cheaper. Bounded, so a table of only distinct numbers does not grow it forever.
  private final Map<String, Converted<String>> numbers = cache();
  private final Map<String, Converted<String>> addresses = cache();

  private static Map<String, Converted<String>> cache() {
    return new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Converted<String>> eldest) {
        return size() > 50_000;
      }
    };
  }

  LegacyPhones(String defaultRegion) {
    this.region = defaultRegion;
    this.phones = PhoneNumbers.withDefaultRegion(defaultRegion);
  }

  /** A phone number (our numbers, contacts): E.164 only. */
  Converted<String> e164(@Nullable String raw) {
    if (raw == null) {
      return Converted.ok(null);
    }
    return numbers.computeIfAbsent(raw, this::parseE164);
  }

  private Converted<String> parseE164(String raw) {
    String s = raw.strip();
    if (s.startsWith("00")) {
      s = "+" + s.substring(2); // the international call prefix of most of the world, which libphonenumber
                                // reads only with a matching region
    }
    try {
      String e164 = phones.parse("phone", s, region).value();
      return e164.equals(raw) ? Converted.ok(e164) : Converted.normalised(e164);
    } catch (InvalidInputException e) {
      return Converted.failed("not E.164");
    }
  }

  /** A message address: E.164, or a short code, or an alphanumeric sender id, as the target's CHECK allows. */
  Converted<String> address(@Nullable String raw) {
    if (raw == null) {
      return Converted.ok(null);
    }
    return addresses.computeIfAbsent(raw, this::parseAddress);
  }

  private Converted<String> parseAddress(String raw) {
    Converted<String> phone = e164(raw);
    if (phone.value() != null) {
      return phone;
    }
    try {
      Address address = phones.parseAddress("address", raw.strip(), region);
      String value = address.value();
      return value.equals(raw) ? Converted.ok(value) : Converted.normalised(value);
    } catch (InvalidInputException e) {
      return Converted.failed("not an address");
    }
  }
}
