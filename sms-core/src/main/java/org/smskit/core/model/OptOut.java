package org.smskit.core.model;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.PhoneNumber;

/**
 * A recipient's opt-out ({@code sms_opt_outs}). Active while {@code optedInAt} is null; kept as history after.
 *
 * @param serviceAccountId the service, for scope {@link OptOutScope#SERVICE}
 * @param campaignId the host campaign, for scope {@link OptOutScope#CAMPAIGN}
 * @param keyword the word the recipient sent, for source {@link OptOutSource#KEYWORD}
 * @param provider the provider that reported it, for source {@link OptOutSource#PROVIDER}
 */
public record OptOut(
    UUID id,
    PhoneNumber phone,
    OptOutScope scope,
    @Nullable UUID serviceAccountId,
    @Nullable Long campaignId,
    OptOutSource source,
    @Nullable String keyword,
    @Nullable String provider,
    Instant optedOutAt,
    @Nullable Instant optedInAt,
    @Nullable OptOutSource optInSource) {

  public OptOut {
    Require.nonNull(id, "id");
    Require.nonNull(phone, "phone");
    Require.nonNull(scope, "scope");
    Require.nonNull(source, "source");
    Require.nonNull(optedOutAt, "opted_out_at");
    if ((scope == OptOutScope.SERVICE) != (serviceAccountId != null)
        || (scope == OptOutScope.CAMPAIGN) != (campaignId != null)) {
      throw new InvalidInputException("scope",
          "service scope needs service_account_id, campaign scope needs campaign_id, other scopes neither");
    }
  }

  /** A new, active opt-out. */
  public static OptOut of(PhoneNumber phone, OptOutScope scope, @Nullable UUID serviceAccountId,
      @Nullable Long campaignId, OptOutSource source, @Nullable String keyword, @Nullable String provider,
      Instant at) {
    return new OptOut(Ids.newId(), phone, scope, serviceAccountId, campaignId, source, keyword, provider, at, null,
        null);
  }

  public boolean active() {
    return optedInAt == null;
  }
}
