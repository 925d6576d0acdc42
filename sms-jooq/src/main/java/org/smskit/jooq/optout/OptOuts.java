package org.smskit.jooq.optout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.OptOutSource;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.internal.SmsContext;

/**
 * Who opted out of what, and opting back in.
 * Used through {@code SmsService}, which documents each operation; one instance acts for one tenant.
 */
public final class OptOuts {
  private final SmsContext ctx;
  private final TenantId tenant;

  /** Internal to smskit: {@code SmsService} creates it. */
  public OptOuts(SmsContext ctx, TenantId tenant) {
    this.ctx = ctx;
    this.tenant = tenant;
  }

  public OptOut optOut(String phone, OptOutScope scope, @Nullable UUID serviceId, @Nullable Long campaignId) {
    PhoneNumber e164 = ctx.phones().parse("phone", phone, null);
    OptOut optOut = OptOut.of(e164, scope, serviceId, campaignId, OptOutSource.API, null, null, ctx.now());
    return ctx.write(tenant, tx -> {
      OptOut stored = tx.r().optOuts().optOut(optOut);
      tx.events().add(new SmsEvent.RecipientOptedOut(tenant, stored));
      return stored;
    });
  }

  public List<OptOut> optIn(String phone) {
    PhoneNumber e164 = ctx.phones().parse("phone", phone, null);
    return ctx.write(tenant, tx -> {
      List<OptOut> ended = tx.r().optOuts().optIn(e164, OptOutSource.API, ctx.now());
      if (!ended.isEmpty()) {
        tx.events().add(new SmsEvent.RecipientOptedIn(tenant, ended));
      }
      return ended;
    });
  }

  public Page<OptOut> optOuts(PageRequest page) {
    return ctx.read(tenant, r -> r.optOuts().list(page));
  }

  public List<OptOut> activeOptOuts(String phone) {
    PhoneNumber e164 = ctx.phones().parse("phone", phone, null);
    return ctx.read(tenant, r -> r.optOuts().active(e164));
  }

  public void exportOptOuts(Appendable out) {
    try {
      out.append("phone,scope,service_account_id,campaign_id,source,keyword,provider,opted_out_at,opted_in_at,"
          + "opt_in_source\n");
      PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
      while (true) {
        Page<OptOut> rows = optOuts(page);
        for (OptOut o : rows.items()) {
          out.append(o.phone().value()).append(',').append(o.scope().dbValue()).append(',')
              .append(text(o.serviceAccountId())).append(',').append(text(o.campaignId())).append(',')
              .append(o.source().dbValue()).append(',').append(csv(o.keyword())).append(',')
              .append(csv(o.provider())).append(',').append(o.optedOutAt().toString()).append(',')
              .append(text(o.optedInAt())).append(',')
              .append(o.optInSource() == null ? "" : o.optInSource().dbValue()).append('\n');
        }
        if (!rows.hasNext()) {
          return;
        }
        page = PageRequest.after(rows.next().get(), PageRequest.MAX_LIMIT);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(@Nullable Object value) {
    return value == null ? "" : value.toString();
  }

  private static String csv(@Nullable String value) {
    if (value == null) {
      return "";
    }
    return value.matches("[A-Za-z0-9 _.:+-]*") ? value : '"' + value.replace("\"", "\"\"") + '"';
  }
}
