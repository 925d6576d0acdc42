package org.smskit.vonage;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.smskit.core.spi.ProviderException.Kind;

/**
 * The SMS API's per-message {@code status} codes (developer.vonage.com/api-errors/sms; vonage-java-sdk
 * {@code sms.MessageStatus}) and what each means for the message. The module README holds the same table; a test
 * checks every row through the HTTP path.
 */
enum SmsApiStatus {
  SUCCESS(0, "success", null),
  /** Over the account's requests per second (30 by default). */
  THROTTLED(1, "throttled", Kind.RATE_LIMITED),
  MISSING_PARAMETERS(2, "missing parameters", Kind.PERMANENT),
  INVALID_PARAMETERS(3, "invalid parameters", Kind.PERMANENT),
  INVALID_CREDENTIALS(4, "invalid credentials", Kind.BAD_CREDENTIALS),
  /** No message id comes back, so nothing was queued; Vonage's own advice is to retry. */
  INTERNAL_ERROR(5, "internal error", Kind.RETRYABLE),
  INVALID_MESSAGE(6, "invalid message (for example an unrecognised number prefix)", Kind.PERMANENT),
  NUMBER_BARRED(7, "number barred (the destination is blocked)", Kind.PERMANENT),
  /** The account is suspended: every send fails until Vonage lifts it, as with refused credentials. */
  PARTNER_ACCOUNT_BARRED(8, "partner account barred (account suspended)", Kind.BAD_CREDENTIALS),
  /** Out of credit. Retrying cannot succeed before someone tops up, so the message fails instead of looping. */
  PARTNER_QUOTA_EXCEEDED(9, "partner quota exceeded (insufficient credit)", Kind.PERMANENT),
  TOO_MANY_BINDS(10, "too many existing binds", Kind.RATE_LIMITED),
  ACCOUNT_NOT_ENABLED(11, "account not enabled for the SMS API over HTTP", Kind.PERMANENT),
  MESSAGE_TOO_LONG(12, "message too long", Kind.PERMANENT),
  COMMUNICATION_FAILURE(13, "communication failure", Kind.RETRYABLE),
  /** The signature secret or method does not match the account's: every signed send fails. */
  INVALID_SIGNATURE(14, "invalid signature", Kind.BAD_CREDENTIALS),
  INVALID_SENDER(15, "invalid sender address (not allowed for this destination)", Kind.PERMANENT),
  INVALID_TTL(16, "invalid TTL", Kind.PERMANENT),
  NUMBER_UNREACHABLE(17, "number unreachable", Kind.PERMANENT),
  TOO_MANY_DESTINATIONS(18, "too many destinations", Kind.PERMANENT),
  FACILITY_NOT_ALLOWED(19, "facility not allowed", Kind.PERMANENT),
  INVALID_MESSAGE_CLASS(20, "invalid message class", Kind.PERMANENT),
  INVALID_NETWORK_CODE(22, "invalid network code", Kind.PERMANENT),
  INVALID_CALLBACK(23, "invalid callback URL", Kind.PERMANENT),
  NON_WHITELISTED_DESTINATION(29, "non-whitelisted destination (demo account)", Kind.PERMANENT),
  /** We never send both, so this is a configuration problem outside the message (a proxy adding credentials). */
  SIGNATURE_AND_SECRET(32, "signature and API secret both sent", Kind.BAD_CREDENTIALS),
  NUMBER_DEACTIVATED(33, "number de-activated", Kind.PERMANENT);

  private static final Map<Integer, SmsApiStatus> BY_CODE =
      Stream.of(values()).collect(Collectors.toUnmodifiableMap(s -> s.code, Function.identity()));

  private final int code;
  private final String meaning;
  private final Kind kind;

  SmsApiStatus(int code, String meaning, Kind kind) {
    this.code = code;
    this.meaning = meaning;
    this.kind = kind;
  }

  int code() {
    return code;
  }

  String meaning() {
    return meaning;
  }

  /** Null for {@link #SUCCESS}. */
  Kind kind() {
    return kind;
  }

  /** The kind of a code; codes Vonage has not documented are {@link Kind#PERMANENT}: nothing was queued. */
  static Kind kindOf(int code) {
    SmsApiStatus status = BY_CODE.get(code);
    return status == null ? Kind.PERMANENT : status.kind;
  }

  static String meaningOf(int code) {
    SmsApiStatus status = BY_CODE.get(code);
    return status == null ? "undocumented status" : status.meaning;
  }
}
