package org.smskit.jooq;

import java.net.URI;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.SecretCipher;
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationStatus;
import org.smskit.core.model.Message;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.Priority;
import org.smskit.core.model.Reaction;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumbers;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.text.SmsText;
import org.smskit.jooq.accounts.Accounts;
import org.smskit.core.analysis.ConversationAnalyzerFactory;
import org.smskit.jooq.analysis.Analyzers;
import org.smskit.jooq.analysis.ConversationAnalytics;
import org.smskit.jooq.reporting.DeliveryAnalytics;
import org.smskit.jooq.accounts.RotationReport;
import org.smskit.jooq.dispatch.Dispatch;
import org.smskit.jooq.dispatch.DispatchStats;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.dispatch.HeldMessage;
import org.smskit.jooq.dispatch.HeldResolution;
import org.smskit.jooq.dispatch.ReconcileReport;
import org.smskit.jooq.event.AfterCommit;
import org.smskit.jooq.event.SmsListener;
import org.smskit.jooq.inbox.Contacts;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.inbox.Inbox;
import org.smskit.jooq.inbox.MessageView;
import org.smskit.jooq.inbox.Reactions;
import org.smskit.jooq.internal.Credentials;
import org.smskit.jooq.internal.KeyChecks;
import org.smskit.jooq.internal.ProviderCache;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Worker;
import org.smskit.jooq.optout.OptOutPolicy;
import org.smskit.jooq.optout.OptOuts;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.repository.ConversationRepository.InboxEntry;
import org.smskit.jooq.repository.SmsDatabase;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.schema.SmsSchema;
import org.smskit.jooq.sending.BulkMessage;
import org.smskit.jooq.sending.BulkResult;
import org.smskit.jooq.sending.BulkSendRequest;
import org.smskit.jooq.sending.BulkSummary;
import org.smskit.jooq.sending.QuietHours;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.sending.Sending;
import org.smskit.jooq.webhooks.WebhookOutcome;
import org.smskit.jooq.webhooks.Webhooks;

/**
 * The host application's one entry point: accounts, numbers and services; sending; webhooks; conversations,
 * contacts, opt-outs and reactions. Every operation is one transaction for this service's tenant
 * ({@link TenantId#DEFAULT} unless {@link #forTenant} names another); listeners hear about it after it commits.
 *
 * <pre>{@code
 * SmsService sms = SmsService.builder(dataSource, EnvironmentKeyProvider.fromEnvironment())
 *     .defaultRegion("US")
 *     .build();
 * sms.migrate();
 * SendReceipt receipt = sms.send(SendRequest.to("(415) 555-0100").fromService(serviceId).body("Hi!").build());
 * }</pre>
 *
 * <p><b>In the host's transaction.</b> Over a thread-bound data source (Spring's
 * {@code TransactionAwareDataSourceProxy}, for example), a connection handed out with autocommit off is in the host's
 * transaction: each operation joins it under a savepoint (its failure undoes only its own writes) and never commits
 * it, and listeners hear of it through {@link Builder#afterCommit}. {@link #joining} does the same on a connection
 * the host hands over. There {@link #send} only queues: the dispatcher sends once the host committed.
 *
 * <p>Thread-safe. It starts no thread and touches no global state; {@link #close()} closes the provider clients
 * it opened (the host owns the {@link DataSource}).
 *
 * @see SendRequest for how the sender is chosen
 * @see ConversationScope for what a conversation is
 */
public final class SmsService implements AutoCloseable {
  private final SmsContext ctx;
  private final Options options;
  private final TenantId tenant;
  private final Accounts accounts;
  private final Sending sending;
  private final Dispatch dispatch;
  private final Webhooks webhooks;
  private final OptOuts optOuts;
  private final Inbox inbox;
  private final Contacts contacts;
  private final Reactions reactions;
  private final DeliveryAnalytics deliveryAnalytics;
  private final ConversationAnalytics analytics;

  /** The behaviour every tenant view of one service shares. */
  private record Options(
      ConversationScope conversationScope,
      boolean stickySender,
      @Nullable String helpReply,
      OptOutScope keywordOptOutScope,
      OptOutPolicy optOutPolicy,
      @Nullable QuietHours quietHours,
      DispatcherConfig dispatch,
      DataSource migrationDataSource,
      Analyzers analyzers) {}

  private SmsService(SmsContext ctx, Options options, TenantId tenant) {
    this.ctx = ctx;
    this.options = options;
    this.tenant = tenant;
    this.accounts = new Accounts(ctx, tenant);
    this.sending = new Sending(ctx, tenant, options.conversationScope(), options.stickySender(),
        options.quietHours(), options.optOutPolicy());
    this.dispatch = new Dispatch(ctx, tenant, options.dispatch(), options.quietHours(), options.optOutPolicy());
    this.webhooks = new Webhooks(ctx, tenant, options.conversationScope(), options.helpReply(),
        options.keywordOptOutScope(), sending, dispatch);
    this.optOuts = new OptOuts(ctx, tenant);
    this.inbox = new Inbox(ctx, tenant);
    this.contacts = new Contacts(ctx, tenant);
    this.reactions = new Reactions(ctx, tenant);
    this.analytics = new ConversationAnalytics(ctx, tenant, options.analyzers());
    this.deliveryAnalytics = new DeliveryAnalytics(ctx, tenant);
  }

  /**
   * Starts a service over the host's {@code dataSource} (HikariCP recommended), with the keys that encrypt
   * provider credentials.
   */
  public static Builder builder(DataSource dataSource, KeyProvider keys) {
    return new Builder(dataSource, keys);
  }

  /** The same service acting for {@code tenant}: every row it writes carries it, every read is confined to it. */
  public SmsService forTenant(TenantId tenant) {
    return new SmsService(ctx, options, Require.nonNull(tenant, "tenant_id"));
  }

  public TenantId tenant() {
    return tenant;
  }

  /**
   * This service (and its {@link #forTenant} views) working in the host's transaction on {@code connection}, which
   * must have autocommit off: each operation joins that transaction under a savepoint, so that the host's commit
   * makes it durable together with the host's own writes, and its rollback undoes both. smskit never commits, rolls
   * back or closes the connection; an operation that fails rolls back to its savepoint and leaves the host's
   * transaction usable. Listeners hear of the writes through {@code afterCommit}, which the host runs after its
   * commit (and drops on rollback). Keep the view for the transaction only.
   *
   * <pre>{@code
   * List<Runnable> afterCommit = new ArrayList<>();
   * connection.setAutoCommit(false);
   * insertOrder(connection, order);
   * sms.joining(connection, afterCommit::add).queue(SendRequest.to(order.phone()).fromService(serviceId)
   *     .body("Order " + order.number() + " confirmed").build());
   * connection.commit();
   * afterCommit.forEach(Runnable::run);
   * }</pre>
   */
  public SmsService joining(Connection connection, AfterCommit afterCommit) {
    return new SmsService(ctx.joining(Require.nonNull(connection, "connection"),
        Require.nonNull(afterCommit, "afterCommit")), options, tenant);
  }

  /**
   * Applies smskit's migrations (its own schema and history table), the configured ERP foreign keys and row level
   * security (over {@link Builder#migrationDataSource}, if set), checks that row level security confines the pool's
   * role, then {@link #verifyKeys()}. Returns the schema version.
   *
   * @throws org.smskit.core.crypto.KeyMismatchException when a key differs from the installation's key of its id
   * @throws org.smskit.core.crypto.UnknownKeyException when stored credentials name a key id the provider lacks
   */
  public String migrate() {
    String version = SmsSchema.migrate(options.migrationDataSource(), ctx.schema());
    SmsSchema.verifyApplicationRole(ctx.dataSource(), ctx.schema());
    verifyKeys();
    return version;
  }

  /**
   * Checks the key provider against the installation (all tenants), so that a node with wrong keys fails at start
   * rather than writing credentials the others cannot read: for every key id the provider holds, its key check
   * value (table {@code sms_key_checks}) must decrypt under this node's key, or is stored now by the first node
   * that has the id; and one stored credential per key id in use must decrypt. {@link #migrate()} calls it; call
   * it on start when the schema is migrated elsewhere. Before its first encryption a service checks its active
   * key this way in any case.
   *
   * @throws org.smskit.core.crypto.KeyMismatchException naming the key id whose material differs
   * @throws org.smskit.core.crypto.UnknownKeyException naming a key id that stored credentials use and the
   *     provider lacks
   */
  public void verifyKeys() {
    ctx.credentials().keyChecks().verifyAll();
  }

  /** The repositories, for reads and writes the service does not offer (one transaction, this tenant). */
  public <T> T inTransaction(SmsDatabase.Work<T> work) {
    return ctx.db().inTransaction(tenant, work);
  }

  /**
   * Conversation analysis for this tenant: summaries, key points and sentiment on {@link Conversation}, a
   * background worker that fills them, on-demand analysis and the query by sentiment.
   */
  public ConversationAnalytics analytics() {
    return analytics;
  }

  /**
   * Delivery and cost of this tenant's outbound messages: delivery rate, failure reasons, segments and what
   * providers charged, per service, campaign, sender number or day; and the fetch of prices providers report late.
   */
  public DeliveryAnalytics deliveryAnalytics() {
    return deliveryAnalytics;
  }

  /** Stops the workers it started and closes the provider and analyzer clients this service opened. */
  @Override
  public void close() {
    for (Worker worker : List.copyOf(ctx.workers())) {
      worker.close();
    }
    ctx.providers().close();
    options.analyzers().close();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Accounts, numbers, services

  /**
   * Registers a provider account. It is checked first, without any network call: the provider must be installed,
   * the provider's secret settings must not be among the plain settings, and the provider's factory must accept
   * the account id, the token and every setting. The token and every secret setting are then encrypted and
   * stored.
   *
   * @param provider the SPI name ({@code twilio}, {@code vonage}, {@code simulated})
   * @param settingsJson plain provider settings, a JSON object
   * @param secretSettings settings that are secrets (for example Vonage's {@code signatureSecret}), stored
   *     encrypted and handed to the provider decrypted
   * @throws InvalidInputException on {@code provider} (naming the installed ones) when it is not installed, on
   *     {@code settings.<name>} for a secret among the plain settings, or as the provider's factory reports
   */
  public SenderAccount registerSenderAccount(String name, String provider, @Nullable String accountSid,
      @Nullable String authToken, String settingsJson, Map<String, String> secretSettings) {
    return accounts.registerSenderAccount(name, provider, accountSid, authToken, settingsJson, secretSettings);
  }

  /** Registers a provider account with a token and no settings. */
  public SenderAccount registerSenderAccount(String name, String provider, @Nullable String accountSid,
      @Nullable String authToken) {
    return accounts.registerSenderAccount(name, provider, accountSid, authToken);
  }

  /** Replaces the account's auth token (encrypted under the active key); nothing else of the account changes. */
  public SenderAccount updateAuthToken(UUID accountId, String authToken) {
    return accounts.updateAuthToken(accountId, authToken);
  }

  /**
   * Renames the account and replaces its plain settings (secret settings are kept). The new settings are checked
   * as at registration, with the account's stored token and secrets.
   *
   * @throws InvalidInputException on {@code settings.<name>} for a secret among the plain settings, or as the
   *     provider's factory reports
   */
  public SenderAccount updateSenderAccount(UUID accountId, String name, String settingsJson) {
    return accounts.updateSenderAccount(accountId, name, settingsJson);
  }

  /** Stops using the account; its numbers, services and messages stay. */
  public SenderAccount deactivateSenderAccount(UUID accountId) {
    return accounts.deactivateSenderAccount(accountId);
  }

  /**
   * Adds one of our numbers to an account, normalised to E.164. Making it primary takes the primary flag from the
   * account's previous primary number (one primary per account).
   */
  public SenderPhoneNumber addPhoneNumber(UUID accountId, String number, @Nullable String friendlyName,
      boolean primary) {
    return accounts.addPhoneNumber(accountId, number, friendlyName, primary);
  }

  /** Makes the number its account's primary one. */
  public SenderPhoneNumber makePrimary(UUID numberId) {
    return accounts.makePrimary(numberId);
  }

  /** Stops sending from the number; its history stays. */
  public SenderPhoneNumber deactivatePhoneNumber(UUID numberId) {
    return accounts.deactivatePhoneNumber(numberId);
  }

  /**
   * Creates a messaging service over an account.
   *
   * @param providerServiceSid the provider's own service id (Twilio {@code MessagingServiceSid}), if any
   * @param campaignId the host campaign it belongs to, if any
   * @param projectId the host project it belongs to, if any
   */
  public ServiceAccount createService(UUID senderAccountId, String name, ServiceType type,
      @Nullable String providerServiceSid, @Nullable Long campaignId, @Nullable Long projectId) {
    return accounts.createService(senderAccountId, name, type, providerServiceSid, campaignId, projectId);
  }

  /** Writes every field of {@code service} over the stored one. */
  public ServiceAccount updateService(ServiceAccount service) {
    return accounts.updateService(service);
  }

  /**
   * Names the account the dispatcher sends this service's messages through while the service's own account keeps
   * failing (its circuit is open); null for none. The fallback sends from its own numbers.
   */
  public ServiceAccount setFallbackAccount(UUID serviceId, @Nullable UUID fallbackAccountId) {
    return accounts.setFallbackAccount(serviceId, fallbackAccountId);
  }

  /** Stops using the service; its messages stay. */
  public ServiceAccount deactivateService(UUID serviceId) {
    return accounts.deactivateService(serviceId);
  }

  /**
   * Re-encrypts every stored secret of this tenant (auth tokens and secret settings of its accounts, in one
   * transaction, then its analyzer's secrets, in another) that is not under the key provider's active key. Run
   * after adding a new active key, before retiring the old one.
   * A value that cannot be decrypted (its key is gone, or differs) is counted and left as it is; the others are
   * rotated anyway. Each value is replaced by itself, only if it is still the value read, so a concurrent rename,
   * new token or deactivation is kept, and a value already under the active key is not written.
   *
   * @return how many values were rewritten and which accounts (and analyzer secrets) hold values that could not be
   *     read; retire the old
   *     key only when {@link RotationReport#complete()}
   */
  public RotationReport rotateCredentials() {
    RotationReport accountsReport = accounts.rotateCredentials();
    ConversationAnalytics.SecretRotation secrets = analytics.rotateSecrets();
    return accountsReport.withAnalyzerSecrets(secrets.rewritten(), secrets.unreadable());
  }

  /** The provider of an account, configured from it (for example to script the simulated provider). */
  public SmsProvider provider(UUID senderAccountId) {
    return accounts.provider(senderAccountId);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Sending

  /**
   * Stores the message as {@code queued} (durably, before any provider is called) and returns its id. The
   * recipient is normalised to E.164; the body, media, sender and opt-outs are checked first, and a refusal
   * leaves nothing written.
   *
   * @throws org.smskit.core.phone.InvalidPhoneNumberException when the recipient is not a number
   * @throws org.smskit.core.text.InvalidMessageBodyException when the body cannot be sent or stored
   * @throws RecipientOptedOutException when the recipient opted out of this sender
   * @throws NotFoundException when the sender account, number or service names no row of this tenant
   */
  public SendReceipt queue(SendRequest request) {
    return sending.queue(request);
  }

  /**
   * Hands a queued message to its provider now and records the answer: {@code sending}/{@code sent} with the
   * provider's id on success; back to {@code queued} with the error on a retryable failure; {@code failed} on a
   * permanent one (recording the opt-out when the provider says the recipient opted out); still {@code sending}
   * when the outcome is unknown (a timeout after the request was written), held for reconciliation rather than
   * risk a double send. A message that is not queued is not sent again. Call it outside the host's transaction: the
   * provider would be called before the host commits (or rolls back) the message.
   */
  public SendReceipt dispatch(UUID messageId) {
    return dispatch.dispatch(messageId);
  }

  /**
   * A background dispatcher over this service's database (all tenants), not yet started. Call
   * {@link Dispatcher#start()}; {@link #close()} stops it.
   */
  public Dispatcher dispatcher(DispatcherConfig config) {
    return dispatch.dispatcher(config);
  }

  /**
   * Messages of this tenant held after a send with an unknown outcome (the provider never answered), longest
   * held first. They are never sent again by themselves: {@link #reconcileHeld()} looks them up at their
   * providers, {@link #resolveHeld} records an operator's decision.
   */
  public Page<HeldMessage> heldMessages(PageRequest page) {
    return dispatch.heldMessages(page);
  }

  /**
   * Looks this tenant's held messages up at their providers (up to 1,000, least recently checked first): a
   * message found there takes the provider's id and status; one the provider's own records prove it never
   * created is queued again; any other is left held, with what the lookup said. A started dispatcher does this
   * for every tenant when {@link DispatcherConfig#reconcileInterval()} is set.
   */
  public ReconcileReport reconcileHeld() {
    return dispatch.reconcileHeld();
  }

  /**
   * Records an operator's decision about a held message, in its status history: sent (with the provider's id
   * when known), failed, or queued again.
   *
   * @param note why, for the history (null for a default note)
   * @throws InvalidInputException when the message is not held
   */
  public Message resolveHeld(UUID messageId, HeldResolution resolution, @Nullable String note) {
    return dispatch.resolveHeld(messageId, resolution, note);
  }

  /** Counts to monitor for this tenant: queued, sending, held, retrying, failed in the last hour, oldest queued age. */
  public DispatchStats dispatchStats() {
    return dispatch.dispatchStats();
  }

  /**
   * {@link #dispatchStats()} over every tenant (whichever tenant this service acts for), for the installation's
   * monitoring: one query, on the worker pool under row level security. Gauges should sample it, not run it per
   * scrape ({@code smskit-micrometer}'s {@code SmsGauges} caches it).
   */
  public DispatchStats dispatchStatsAcrossTenants() {
    return dispatch.dispatchStatsAcrossTenants();
  }

  /**
   * Queues one text to many recipients through a messaging service, in one transaction with batched writes;
   * returns one result per recipient, in order: queued, invalid number, opted out, or duplicate (listed twice,
   * or already sent to under the same campaign key). Nothing is sent here: a {@link Dispatcher} sends them at
   * the rates the senders allow, transactional traffic first.
   */
  public List<BulkResult> bulkSend(BulkSendRequest request) {
    return sending.bulkSend(request);
  }

  /**
   * Queues one text to any number of recipients, read from {@code recipients} as they are needed, in one
   * transaction: memory stays bounded by a chunk of recipients, whatever their number. Each recipient not queued
   * (invalid number, opted out, duplicate) goes to {@code notQueued} as it is found, before this returns; the
   * transaction commits after the last one, so a consumer that throws, or recipients that do, leave nothing
   * queued. Returns the counts. A campaign key makes a failed call safe to repeat: recipients already sent to
   * under it are duplicates the second time.
   */
  public BulkSummary bulkSend(BulkMessage message, Iterable<String> recipients, Consumer<BulkResult> notQueued) {
    return sending.bulkSend(message, recipients, notQueued);
  }

  /**
   * {@link #queue} then {@link #dispatch}: store durably, then send now. In the host's transaction it only queues
   * (status {@code queued}, or {@code scheduled}): the message must not reach the provider before the host commits
   * it, and the {@link Dispatcher} sends it once the host did.
   */
  public SendReceipt send(SendRequest request) {
    return sending.send(request, dispatch::dispatch);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Receiving

  /**
   * Verifies and applies a webhook that the provider of {@code senderAccountId} sent: an inbound message
   * (stored once however often it is delivered), or a status report (applied monotonically, kept in the
   * history, kept for reconciliation when the message is unknown). A request that fails verification throws
   * {@link org.smskit.core.spi.WebhookVerificationException} and records nothing.
   */
  public WebhookOutcome handleWebhook(UUID senderAccountId, WebhookRequest request) {
    return webhooks.handleWebhook(senderAccountId, request);
  }

  /** Applies an event the host parsed itself, as {@link #handleWebhook} does after verification. */
  public WebhookOutcome recordEvent(UUID senderAccountId, WebhookEvent event) {
    return webhooks.recordEvent(senderAccountId, event);
  }

  /**
   * The public URL at which this service expects the webhooks of an account:
   * {@code <webhookBaseUrl>/<tenant>/<accountId>}; empty when no base URL was configured.
   */
  public Optional<URI> webhookUrl(UUID senderAccountId) {
    return webhooks.webhookUrl(senderAccountId);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Opt-outs

  /** Records that {@code phone} opted out for {@code scope} (an API call by the host). */
  public OptOut optOut(String phone, OptOutScope scope, @Nullable UUID serviceId, @Nullable Long campaignId) {
    return optOuts.optOut(phone, scope, serviceId, campaignId);
  }

  /** Ends every active opt-out of {@code phone}; returns those ended. */
  public List<OptOut> optIn(String phone) {
    return optOuts.optIn(phone);
  }

  /** Every opt-out, active and ended, oldest first. */
  public Page<OptOut> optOuts(PageRequest page) {
    return optOuts.optOuts(page);
  }

  /** The active opt-outs of {@code phone}. */
  public List<OptOut> activeOptOuts(String phone) {
    return optOuts.activeOptOuts(phone);
  }

  /**
   * Writes every opt-out as CSV ({@code phone,scope,service_account_id,campaign_id,source,keyword,provider,
   * opted_out_at,opted_in_at,opt_in_source}), oldest first, for audits and carrier requests.
   */
  public void exportOptOuts(Appendable out) {
    optOuts.exportOptOuts(out);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Conversations

  /** Active, open conversations, newest activity first, with CRM customer names when the host has the table. */
  public Page<InboxEntry> inbox(PageRequest page) {
    return inbox.inbox(page);
  }

  /** Conversations assigned to {@code staffId} that have unread messages. */
  public Page<Conversation> assignedWithUnread(int staffId, PageRequest page) {
    return inbox.assignedWithUnread(staffId, page);
  }

  public Optional<Conversation> conversation(String conversationId) {
    return inbox.conversation(conversationId);
  }

  /** A conversation's messages, oldest first, each with its attachments and reactions. */
  public Page<MessageView> timeline(String conversationId, PageRequest page) {
    return inbox.timeline(conversationId, page);
  }

  /** Unread inbound messages, newest first. */
  public Page<Message> unread(PageRequest page) {
    return inbox.unread(page);
  }

  /** A message with its attachments and reactions. */
  public MessageView message(UUID messageId) {
    return inbox.message(messageId);
  }

  /**
   * Marks an inbound message read (sets {@code read_at}, status {@code read}) and takes it off its conversation's
   * unread count. Marking a read message again changes nothing.
   */
  public Message markRead(UUID messageId) {
    return inbox.markRead(messageId);
  }

  /** Marks every unread inbound message of the conversation read; its unread count becomes 0. */
  public Conversation markConversationRead(String conversationId) {
    return inbox.markConversationRead(conversationId);
  }

  /** Assigns the conversation to a staff member ({@code sys_users.id}), or unassigns it with null. */
  public Conversation assignConversation(String conversationId, @Nullable Integer staffId) {
    return inbox.assignConversation(conversationId, staffId);
  }

  /** Closes the conversation (state {@code closed}, {@code conversation_end} now). */
  public Conversation closeConversation(String conversationId) {
    return inbox.closeConversation(conversationId);
  }

  /** Reopens a closed conversation. */
  public Conversation reopenConversation(String conversationId) {
    return inbox.reopenConversation(conversationId);
  }

  public Conversation setConversationStatus(String conversationId, ConversationStatus status) {
    return inbox.setConversationStatus(conversationId, status);
  }

  public Conversation setConversationPriority(String conversationId, Priority priority) {
    return inbox.setConversationPriority(conversationId, priority);
  }

  public Conversation setConversationTags(String conversationId, List<String> tags) {
    return inbox.setConversationTags(conversationId, tags);
  }

  public Conversation setJourneyStage(String conversationId, @Nullable String journeyStage) {
    return inbox.setJourneyStage(conversationId, journeyStage);
  }

  /** Links the conversation to a CRM customer ({@code crm_customers.id}), or unlinks it with null. */
  public Conversation linkCustomer(String conversationId, @Nullable Integer crmCustomerId) {
    return inbox.linkCustomer(conversationId, crmCustomerId);
  }

  /**
   * Changes fields of a conversation that no other method covers (AI analysis, next action...). Counters,
   * state and assignment have their own methods and are not changed here.
   */
  public Conversation updateConversation(String conversationId, UnaryOperator<Conversation.Builder> change) {
    return inbox.updateConversation(conversationId, change);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Contacts

  /**
   * Creates a contact; the number is normalised to E.164 and its country code, area code and (when the number
   * has one candidate) time zone are filled in.
   */
  public Contact createContact(@Nullable String name, String phone) {
    return contacts.createContact(name, phone);
  }

  /** Writes every field of {@code contact} over the stored one. */
  public Contact updateContact(Contact contact) {
    return contacts.updateContact(contact);
  }

  /** A contact by number, typed any way the normaliser accepts. */
  public Optional<Contact> findContact(String phone) {
    return contacts.findContact(phone);
  }

  /**
   * Folds {@code duplicateId} into {@code keepId}: every field the kept contact lacks is taken from the
   * duplicate (name, CRM id, time zone, assigned number, the later last contact), then the duplicate is deleted.
   * Messages are linked to contacts by number and stay where they are.
   */
  public Contact mergeContacts(UUID keepId, UUID duplicateId) {
    return contacts.mergeContacts(keepId, duplicateId);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reactions

  /** Adds a reaction; the same person giving the same reaction again changes nothing. */
  public Reaction addReaction(UUID messageId, String type, String value, String reactedBy) {
    return reactions.addReaction(messageId, type, value, reactedBy);
  }

  /** Removes a reaction; true when it existed. */
  public boolean removeReaction(UUID messageId, String type, String value, String reactedBy) {
    return reactions.removeReaction(messageId, type, value, reactedBy);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Plumbing

  /** The shared context, for tests in this package. */
  SmsContext context() {
    return ctx;
  }

  Instant now() {
    return ctx.now();
  }

  /**
   * Configures an {@link SmsService}. Every option has a default except the data source and the keys.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private final KeyProvider keys;
    private SchemaConfig schema = SchemaConfig.defaults();
    private SmsProviders providers;
    private String defaultRegion;
    private Clock clock = Clock.systemUTC();
    private ConversationScope conversationScope = ConversationScope.PER_NUMBER;
    private boolean stickySender = true;
    private String helpReply;
    private OptOutScope keywordOptOutScope = OptOutScope.ALL;
    private boolean transactionalIgnoresMarketingOptOut;
    private URI webhookBaseUrl;
    private QuietHours quietHours;
    private DispatcherConfig dispatch = DispatcherConfig.builder().build();
    private final List<SmsListener> listeners = new ArrayList<>();
    private @Nullable List<ConversationAnalyzerFactory> analyzers;
    private DataSource workerDataSource;
    private DataSource migrationDataSource;
    private AfterCommit afterCommit = AfterCommit.IMMEDIATELY;
    private boolean joinOpenTransactions = true;
    private SmsMetrics metrics = SmsMetrics.NONE;

    private Builder(DataSource dataSource, KeyProvider keys) {
      this.dataSource = Require.nonNull(dataSource, "dataSource");
      this.keys = Require.nonNull(keys, "keys");
    }

    /** Schema and history table names, ERP tables (default: schema {@code smskit}, no ERP foreign keys). */
    public Builder schema(SchemaConfig value) { schema = Require.nonNull(value, "schema"); return this; }

    /**
     * The pool of work across tenants (the dispatcher's claims and leases, reconciliation, key checks): with row
     * level security, a pool of its worker role, and required; without, unused (default: none).
     */
    public Builder workerDataSource(DataSource value) { workerDataSource = value; return this; }

    /**
     * The pool {@link SmsService#migrate()} migrates with: with row level security, one of the owner role
     * (default: the service's data source).
     */
    public Builder migrationDataSource(DataSource value) { migrationDataSource = value; return this; }

    /** The installed providers (default: {@link SmsProviders#discover()}). */
    public Builder providers(SmsProviders value) { providers = Require.nonNull(value, "providers"); return this; }

    /** The region national numbers are read in, such as {@code US} (default: none; numbers need {@code +}). */
    public Builder defaultRegion(String value) { defaultRegion = value; return this; }

    /** The clock for timestamps (default: the system clock, UTC). */
    public Builder clock(Clock value) { clock = Require.nonNull(value, "clock"); return this; }

    /** What a conversation is (default {@link ConversationScope#PER_NUMBER}). */
    public Builder conversationScope(ConversationScope value) {
      conversationScope = Require.nonNull(value, "conversationScope");
      return this;
    }

    /** Whether the number a contact was first sent from becomes its assigned number (default true). */
    public Builder stickySender(boolean value) { stickySender = value; return this; }

    /**
     * The reply to HELP/INFO keywords (default: none, no reply). It is sent even to recipients who opted out, as
     * CTIA requires.
     *
     * @throws org.smskit.core.text.InvalidMessageBodyException when the text could not be sent
     */
    public Builder helpReply(String value) {
      if (value != null) {
        SmsText.validateOutbound(value, 0);
      }
      helpReply = value;
      return this;
    }

    /** The scope of an opt-out made by a STOP keyword (default {@link OptOutScope#ALL}). */
    public Builder keywordOptOutScope(OptOutScope value) {
      if (value == OptOutScope.SERVICE || value == OptOutScope.CAMPAIGN) {
        throw new InvalidInputException("keywordOptOutScope", "must be all or marketing (service and campaign"
            + " scopes need a target)");
      }
      keywordOptOutScope = value;
      return this;
    }

    /**
     * Lets transactional services reach recipients who opted out of marketing only (scope
     * {@link OptOutScope#MARKETING}); default false.
     */
    public Builder transactionalIgnoresMarketingOptOut(boolean value) {
      transactionalIgnoresMarketingOptOut = value;
      return this;
    }

    /**
     * The public base URL of the host's webhook endpoint; status callbacks are requested at
     * {@code <base>/<tenant>/<accountId>} (default: none, no status callback URL is sent).
     */
    public Builder webhookBaseUrl(URI value) { webhookBaseUrl = value; return this; }

    /**
     * Hours, in the recipient's time zone, when marketing and campaign messages wait (default: none). Applies
     * when the contact's zone is known (stored, or the only zone of its number).
     */
    public Builder quietHours(QuietHours value) { quietHours = value; return this; }

    /** Retries, backoff and the unknown-outcome policy used by {@link SmsService#dispatch} (default settings). */
    public Builder dispatch(DispatcherConfig value) { dispatch = Require.nonNull(value, "dispatch"); return this; }

    /**
     * How listeners hear of work done in the host's transaction (a thread-bound data source's): after the host's
     * commit, through the host's transaction manager (default {@link AfterCommit#IMMEDIATELY}: when smskit's part
     * ends, before the host commits, also for work it then rolls back).
     */
    public Builder afterCommit(AfterCommit value) { afterCommit = Require.nonNull(value, "afterCommit"); return this; }

    /**
     * Whether a connection the data source hands out with autocommit off is in the host's transaction, which smskit
     * then joins and never commits (default true: thread-bound data sources). Set false for a pool configured with
     * autocommit off (HikariCP {@code autoCommit=false}) outside any transaction manager: with true, smskit's work
     * would never be committed there.
     */
    public Builder joinOpenTransactions(boolean value) { joinOpenTransactions = value; return this; }

    /**
     * Where sends, webhooks, waits and analyses are counted (default {@link SmsMetrics#NONE}); for Micrometer, the
     * {@code smskit-micrometer} module's {@code MicrometerMetrics}. An implementation that throws is logged once and
     * never fails the work it counts.
     */
    public Builder metrics(SmsMetrics value) { metrics = Require.nonNull(value, "metrics"); return this; }

    /** Adds a listener; listeners hear events after their transaction committed, in the order added. */
    public Builder listener(SmsListener value) { listeners.add(Require.nonNull(value, "listener")); return this; }

    /**
     * The conversation analyzers tenants may choose from ({@code ConversationAnalytics.useAnalyzer}); default:
     * those on the class path ({@code META-INF/services}). The built-in {@code lexicon} analyzer must be among them.
     */
    public Builder analyzers(ConversationAnalyzerFactory... value) {
      analyzers = List.of(value);
      return this;
    }

    public SmsService build() {
      PhoneNumbers phones = defaultRegion == null ? PhoneNumbers.create() : PhoneNumbers.withDefaultRegion(defaultRegion);
      SecretCipher cipher = new SecretCipher(keys);
      SmsDatabase db = SmsDatabase.create(dataSource, schema.rowLevelSecurity() == null ? null : workerDataSource,
          schema, joinOpenTransactions);
      Credentials credentials = new Credentials(cipher, new KeyChecks(db, keys, cipher));
      // jOOQ greets the log with a banner and tips on first use; an embedded library should not. A host that set
      // these properties itself keeps its choice.
      System.getProperties().putIfAbsent("org.jooq.no-logo", "true");
      System.getProperties().putIfAbsent("org.jooq.no-tips", "true");
      SmsProviders installed = providers != null ? providers : SmsProviders.discover();
      SmsContext ctx = new SmsContext(dataSource, schema, db, credentials,
          new ProviderCache(installed, credentials, clock), phones, clock, listeners, webhookBaseUrl, afterCommit,
          metrics);
      Options options = new Options(conversationScope, stickySender, helpReply, keywordOptOutScope,
          new OptOutPolicy(transactionalIgnoresMarketingOptOut), quietHours, dispatch,
          migrationDataSource != null ? migrationDataSource : dataSource,
          new Analyzers(analyzers != null ? analyzers : Analyzers.discover(), credentials, clock));
      return new SmsService(ctx, options, TenantId.DEFAULT);
    }
  }
}
