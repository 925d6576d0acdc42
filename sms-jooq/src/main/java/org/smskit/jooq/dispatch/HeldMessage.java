package org.smskit.jooq.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.phone.Address;

/**
 * A message sent with an unknown outcome (the provider never answered), held: never sent again by the library
 * until the reconciler proves the provider never created it, or an operator decides with
 * {@link org.smskit.jooq.SmsService#resolveHeld}.
 *
 * @param heldAt when it was held
 * @param age how long it has been held
 * @param attempt the attempt whose outcome is unknown
 * @param reason {@code outcome_unknown} (no answer to a request) or {@code interrupted} (a worker died mid-call)
 * @param attemptStartedAt when that attempt started
 * @param attemptError what that attempt ended with, if anything ({@code timeout}...)
 * @param checks how often the reconciler looked it up at the provider
 * @param lastCheck what the last lookup said
 */
public record HeldMessage(UUID messageId, Address to, Instant heldAt, Duration age, int attempt, String reason,
    @Nullable Instant attemptStartedAt, @Nullable String attemptError, int checks, @Nullable String lastCheck) {}
