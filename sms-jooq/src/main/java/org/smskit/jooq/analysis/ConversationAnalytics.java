package org.smskit.jooq.analysis;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.analysis.AnalysisException;
import org.smskit.core.analysis.ConversationAnalysis;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.jooq.internal.SmsContext;

/**
 * Conversation analysis for one tenant: summaries, key points and sentiment on {@link Conversation}, filled by an
 * {@link AnalysisWorker} in the background or by {@link #analyze} on demand. The tenant's analyzer is the offline
 * {@code lexicon} analyzer (no text leaves the process) until {@link #useAnalyzer} names another.
 */
public final class ConversationAnalytics {
  private final SmsContext ctx;
  private final TenantId tenant;
  private final Analyzers analyzers;

  /** Internal to smskit: {@code SmsService.analytics()} creates it. */
  public ConversationAnalytics(SmsContext ctx, TenantId tenant, Analyzers analyzers) {
    this.ctx = ctx;
    this.tenant = tenant;
    this.analyzers = analyzers;
  }

  /**
   * Sets this tenant's analyzer, checked first without any network call (installed, settings and secrets
   * accepted); secrets such as an API key are stored encrypted. {@code lexicon} with no settings goes back to the
   * default. A remote analyzer runs behind a circuit with the lexicon analyzer as its fallback.
   *
   * @throws InvalidInputException on {@code analyzer} when it is not installed, on {@code secrets.<name>} or
   *     {@code settings.<name>} as the analyzer's factory reports
   */
  public void useAnalyzer(String analyzer, Map<String, String> settings, Map<String, String> secrets) {
    Require.nonNull(analyzer, "analyzer");
    Require.nonNull(settings, "settings");
    Require.nonNull(secrets, "secrets");
    ctx.credentials().requireActiveKey(); // before the transaction: the key check has its own
    ctx.write(tenant, tx -> {
      analyzers.use(new AnalysisQueue(tx.r().dsl(), ctx.schema().schema()), tenant, analyzer, settings, secrets);
      return null;
    });
  }

  /**
   * Analyses the conversation now, on the calling thread, whether or not its input changed, and stores the result
   * (unless a stored one read later messages). The analyzer runs outside any transaction.
   *
   * @throws NotFoundException when the tenant has no such conversation
   * @throws AnalysisException when the analyzer could give no result
   */
  public Conversation analyze(String conversationId) {
    Require.nonNull(conversationId, "conversation_id");
    record Input(ConversationAnalyzer analyzer, AnalysisQueue.Window window) {}
    AnalysisConfig bounds = AnalysisConfig.defaults(); // the worker's window, read on demand too
    Input input = ctx.read(tenant, r -> {
      AnalysisQueue queue = new AnalysisQueue(r.dsl(), ctx.schema().schema());
      return new Input(analyzers.forTenant(queue, tenant.value()),
          queue.window(tenant.value(), conversationId, bounds.windowMessages(), bounds.windowChars())
              .orElseThrow(() -> new NotFoundException("conversation", conversationId)));
    });
    AnalysisQueue.Window window = input.window();
    String fingerprint = window.fingerprint(input.analyzer().fingerprint());
    long start = System.nanoTime();
    ConversationAnalysis analysis;
    try {
      analysis = Analysis.run(input.analyzer(), conversationId, window);
    } catch (AnalysisException e) {
      long took = (System.nanoTime() - start) / 1_000_000;
      ctx.write(tenant, tx -> {
        new AnalysisQueue(tx.r().dsl(), ctx.schema().schema()).audit(tenant.value(), conversationId,
            input.analyzer().name(), null, "failed", e.code(), took, window.messages().size());
        return null;
      });
      throw e;
    }
    long took = (System.nanoTime() - start) / 1_000_000;
    return ctx.write(tenant, tx -> {
      AnalysisQueue queue = new AnalysisQueue(tx.r().dsl(), ctx.schema().schema());
      queue.store(tenant.value(), conversationId, window, fingerprint, analysis, ctx.now());
      queue.audit(tenant.value(), conversationId, input.analyzer().name(), analysis, Analysis.outcome(analysis),
          null, took, window.messages().size());
      return tx.r().conversations().findByConversationId(conversationId).orElseThrow();
    });
  }

  /**
   * Analysed conversations whose sentiment is between {@code min} and {@code max} (inclusive), in {@code state}
   * (any when null), most negative first: for example the open conversations going worst, {@code
   * bySentiment(-1, -0.3, OPEN, PageRequest.first(20))}. One index range ({@code idx_sms_meta_conversation_sentiment}).
   *
   * @throws InvalidInputException on {@code min} or {@code max} outside -1..1 or reversed
   */
  public Page<Conversation> bySentiment(double min, double max, @Nullable ConversationState state,
      PageRequest page) {
    if (!(min >= -1 && min <= 1)) {
      throw new InvalidInputException("min", "between -1 and 1");
    }
    if (!(max >= min && max <= 1)) {
      throw new InvalidInputException("max", "between min and 1");
    }
    Require.nonNull(page, "page");
    BigDecimal afterScore = null;
    UUID afterId = null;
    if (page.after().isPresent()) {
      String[] cursor = decode(page.after().get());
      afterScore = new BigDecimal(cursor[0]);
      afterId = UUID.fromString(cursor[1]);
    }
    BigDecimal from = BigDecimal.valueOf(min);
    BigDecimal to = BigDecimal.valueOf(max);
    BigDecimal score = afterScore;
    UUID id = afterId;
    List<Conversation> rows = ctx.read(tenant, r -> r.conversations().bySentiment(from, to,
        state == null ? null : state.dbValue(), score, id, page.limit() + 1));
    if (rows.size() <= page.limit()) {
      return new Page<>(rows, Optional.empty());
    }
    List<Conversation> items = rows.subList(0, page.limit());
    Conversation last = items.get(items.size() - 1);
    return new Page<>(items, Optional.of(encode(last.sentimentScore().toPlainString() + "|" + last.id())));
  }

  /** What {@link #rotateSecrets()} did: secrets re-encrypted, and the names of those it could not read. */
  public record SecretRotation(int rewritten, List<String> unreadable) {
    public SecretRotation {
      unreadable = List.copyOf(unreadable);
    }
  }

  /**
   * Re-encrypts this tenant's analyzer secrets under the active key ({@code SmsService.rotateCredentials} calls it
   * and reports the result with the accounts' credentials).
   */
  public SecretRotation rotateSecrets() {
    ctx.credentials().requireActiveKey();
    Analyzers.Rotated rotated = ctx.write(tenant, tx -> analyzers.rotate(
        new AnalysisQueue(tx.r().dsl(), ctx.schema().schema()), tenant));
    return new SecretRotation(rotated.rewritten(), rotated.unreadable());
  }

  /**
   * A background worker over this service's database (all tenants), not yet started: call {@link
   * AnalysisWorker#start()}; the service's {@code close()} stops it.
   */
  public AnalysisWorker worker(AnalysisConfig config) {
    AnalysisWorker worker = new AnalysisWorker(ctx, analyzers, Require.nonNull(config, "config"));
    ctx.workers().add(worker);
    return worker;
  }

  private static String encode(String cursor) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decode(String cursor) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
      new BigDecimal(parts[0]);
      UUID.fromString(parts[1]);
      return parts;
    } catch (RuntimeException e) {
      throw new InvalidInputException("after", "not a cursor of this listing");
    }
  }
}
