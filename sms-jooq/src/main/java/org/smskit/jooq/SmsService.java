package org.smskit.jooq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.SecretCipher;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.core.model.ConversationStatus;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Message;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.OptOutSource;
import org.smskit.core.model.Priority;
import org.smskit.core.model.Reaction;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.PhoneNumbers;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.text.SmsText;
import org.smskit.jooq.repository.ConversationRepository.InboxEntry;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.repository.SmsDatabase;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.schema.SmsSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Thread-safe. It starts no thread and touches no global state; {@link #close()} closes the provider clients
 * it opened (the host owns the {@link DataSource}).
 *
 * @see SendRequest for how the sender is chosen
 * @see ConversationScope for what a conversation is
 */
public final class SmsService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SmsService.class);

  private final Core core;
  private final TenantId tenant;

  /** What every tenant view of one service shares. */
  record Core(
      DataSource dataSource,
      SchemaConfig schema,
      SmsDatabase db,
      Credentials credentials,
      ProviderCache providers,
      PhoneNumbers phones,
      Clock clock,
      ConversationScope conversationScope,
      boolean stickySender,
      @Nullable String helpReply,
      OptOutScope keywordOptOutScope,
      boolean transactionalIgnoresMarketingOptOut,
      @Nullable URI webhookBaseUrl,
      List<SmsListener> listeners,
      @Nullable QuietHours quietHours,
      DispatcherConfig dispatch,
      java.util.Set<Dispatcher> dispatchers,
      AccountPauses pauses) {}

  private SmsService(Core core, TenantId tenant) {
    this.core = core;
    this.tenant = tenant;
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
    return new SmsService(core, Require.nonNull(tenant, "tenant_id"));
  }

  public TenantId tenant() {
    return tenant;
  }

  /**
   * Applies smskit's migrations (its own schema and history table) and the configured ERP foreign keys, then
   * {@link #verifyKeys()}. Returns the schema version.
   *
   * @throws org.smskit.core.crypto.KeyMismatchException when a key differs from the installation's key of its id
   * @throws org.smskit.core.crypto.UnknownKeyException when stored credentials name a key id the provider lacks
   */
  public String migrate() {
    String version = SmsSchema.migrate(core.dataSource(), core.schema());
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
    core.credentials().keyChecks().verifyAll();
  }

  /** The repositories, for reads and writes the service does not offer (one transaction, this tenant). */
  public <T> T inTransaction(SmsDatabase.Work<T> work) {
    return core.db().inTransaction(tenant, work);
  }

  /** Stops the dispatchers it started and closes the provider clients this service opened. */
  @Override
  public void close() {
    for (Dispatcher dispatcher : List.copyOf(core.dispatchers())) {
      dispatcher.close();
    }
    core.providers().close();
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
    Require.nonNull(provider, "provider");
    JsonObjects.require("settings", Require.nonNull(settingsJson, "settings"));
    Require.nonNull(secretSettings, "settings");
    Credentials.checkSettingNames(secretSettings.keySet());
    core.providers().validate(provider,
        core.providers().draftConfig(accountSid, authToken, settingsJson, secretSettings));
    SenderAccount draft = SenderAccount.create(name, provider, accountSid, null);
    SenderAccount account = draft
        .withAuthToken(core.credentials().encryptToken(tenant, draft.id(), authToken))
        .withSettingsJson(core.credentials().withSecretSettings(tenant, draft.id(), settingsJson, secretSettings));
    return write(tx -> tx.r().senderAccounts().insert(account));
  }

  /** Registers a provider account with a token and no settings. */
  public SenderAccount registerSenderAccount(String name, String provider, @Nullable String accountSid,
      @Nullable String authToken) {
    return registerSenderAccount(name, provider, accountSid, authToken, "{}", Map.of());
  }

  /** Replaces the account's auth token (encrypted under the active key); nothing else of the account changes. */
  public SenderAccount updateAuthToken(UUID accountId, String authToken) {
    EncryptedValue token = core.credentials().encryptToken(tenant, accountId, Require.nonNull(authToken, "auth_token"));
    return write(tx -> tx.r().senderAccounts().updateAuthToken(accountId, token));
  }

  /**
   * Renames the account and replaces its plain settings (secret settings are kept). The new settings are checked
   * as at registration, with the account's stored token and secrets.
   *
   * @throws InvalidInputException on {@code settings.<name>} for a secret among the plain settings, or as the
   *     provider's factory reports
   */
  public SenderAccount updateSenderAccount(UUID accountId, String name, String settingsJson) {
    JsonObjects.require("settings", Require.nonNull(settingsJson, "settings"));
    return write(tx -> {
      var accounts = tx.r().senderAccounts();
      // Locked, so that a rotation committing meanwhile cannot have its secrets put back under the old key.
      SenderAccount current = accounts.lock(accountId);
      var stored = accounts.splitSettings(accountId).secrets();
      core.providers().validate(current.provider(),
          core.providers().storedConfig(tenant, current, stored, settingsJson));
      Map<String, String> secrets = new java.util.LinkedHashMap<>();
      stored.forEach((k, v) -> secrets.put(k, v.format()));
      return accounts.updateNameAndSettings(accountId, name, Credentials.withStrings(settingsJson, secrets));
    });
  }

  /** Stops using the account; its numbers, services and messages stay. */
  public SenderAccount deactivateSenderAccount(UUID accountId) {
    return write(tx -> tx.r().senderAccounts().updateActive(accountId, false));
  }

  /**
   * Adds one of our numbers to an account, normalised to E.164. Making it primary takes the primary flag from the
   * account's previous primary number (one primary per account).
   */
  public SenderPhoneNumber addPhoneNumber(UUID accountId, String number, @Nullable String friendlyName,
      boolean primary) {
    PhoneNumber e164 = core.phones().parse("phone_number", number, null);
    return write(tx -> {
      tx.r().senderAccounts().get(accountId);
      if (primary) {
        demotePrimary(tx, accountId);
      }
      return tx.r().phoneNumbers().insert(SenderPhoneNumber.create(accountId, e164, friendlyName, primary));
    });
  }

  /** Makes the number its account's primary one. */
  public SenderPhoneNumber makePrimary(UUID numberId) {
    return write(tx -> {
      SenderPhoneNumber number = tx.r().phoneNumbers().get(numberId);
      demotePrimary(tx, number.accountId());
      return tx.r().phoneNumbers().update(number.withPrimary(true));
    });
  }

  /** Stops sending from the number; its history stays. */
  public SenderPhoneNumber deactivatePhoneNumber(UUID numberId) {
    return write(tx -> tx.r().phoneNumbers().update(tx.r().phoneNumbers().get(numberId).withActive(false)));
  }

  private static void demotePrimary(Tx tx, UUID accountId) {
    tx.r().phoneNumbers().listByAccount(accountId).stream().filter(SenderPhoneNumber::primary)
        .forEach(p -> tx.r().phoneNumbers().update(p.withPrimary(false)));
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
    ServiceAccount service = ServiceAccount.create(senderAccountId, name, type)
        .withProviderServiceSid(providerServiceSid).withLinks(campaignId, projectId);
    return write(tx -> tx.r().serviceAccounts().insert(service));
  }

  /** Writes every field of {@code service} over the stored one. */
  public ServiceAccount updateService(ServiceAccount service) {
    JsonObjects.require("settings", Require.nonNull(service, "service").settingsJson());
    return write(tx -> tx.r().serviceAccounts().update(service));
  }

  /**
   * Names the account the dispatcher sends this service's messages through while the service's own account keeps
   * failing (its circuit is open); null for none. The fallback sends from its own numbers.
   */
  public ServiceAccount setFallbackAccount(UUID serviceId, @Nullable UUID fallbackAccountId) {
    return write(tx -> {
      if (fallbackAccountId != null) {
        tx.r().senderAccounts().get(fallbackAccountId);
      }
      return tx.r().serviceAccounts().update(
          tx.r().serviceAccounts().get(serviceId).withFallbackSenderAccountId(fallbackAccountId));
    });
  }

  /** Stops using the service; its messages stay. */
  public ServiceAccount deactivateService(UUID serviceId) {
    return write(tx -> tx.r().serviceAccounts().update(tx.r().serviceAccounts().get(serviceId).withActive(false)));
  }

  /**
   * Re-encrypts every stored secret of this tenant (auth tokens and secret settings) that is not under the key
   * provider's active key, in one transaction. Run after adding a new active key, before retiring the old one.
   * A value that cannot be decrypted (its key is gone, or differs) is counted and left as it is; the others are
   * rotated anyway. Each value is replaced by itself, only if it is still the value read, so a concurrent rename,
   * new token or deactivation is kept, and a value already under the active key is not written.
   *
   * @return how many values were rewritten and which accounts hold values that could not be read; retire the old
   *     key only when {@link RotationReport#complete()}
   */
  public RotationReport rotateCredentials() {
    core.credentials().requireActiveKey();
    return write(tx -> Rotation.rotate(core.credentials(), tx));
  }

  /** The provider of an account, configured from it (for example to script the simulated provider). */
  public SmsProvider provider(UUID senderAccountId) {
    return core.db().inTransaction(tenant,
        r -> core.providers().provider(tenant, r.senderAccounts().get(senderAccountId), r));
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
    SendReceipt receipt = write(tx -> new Outbound(core, tx).queue(request));
    core.dispatchers().forEach(Dispatcher::wake);
    return receipt;
  }

  /**
   * Hands a queued message to its provider now and records the answer: {@code sending}/{@code sent} with the
   * provider's id on success; back to {@code queued} with the error on a retryable failure; {@code failed} on a
   * permanent one (recording the opt-out when the provider says the recipient opted out); still {@code sending}
   * when the outcome is unknown (a timeout after the request was written), held for reconciliation rather than
   * risk a double send. A message that is not queued is not sent again.
   */
  public SendReceipt dispatch(UUID messageId) {
    return Delivery.sendNow(this, messageId, core.dispatch());
  }

  /**
   * A background dispatcher over this service's database (all tenants), not yet started. Call
   * {@link Dispatcher#start()}; {@link #close()} stops it.
   */
  public Dispatcher dispatcher(DispatcherConfig config) {
    Dispatcher dispatcher = new Dispatcher(this, Require.nonNull(config, "config"));
    core.dispatchers().add(dispatcher);
    return dispatcher;
  }

  /**
   * Messages of this tenant held after a send with an unknown outcome (the provider never answered), longest
   * held first. They are never sent again by themselves: {@link #reconcileHeld()} looks them up at their
   * providers, {@link #resolveHeld} records an operator's decision.
   */
  public Page<HeldMessage> heldMessages(PageRequest page) {
    return Reconciler.list(this, Require.nonNull(page, "page"));
  }

  /**
   * Looks this tenant's held messages up at their providers (up to 1,000, least recently checked first): a
   * message found there takes the provider's id and status; one the provider's own records prove it never
   * created is queued again; any other is left held, with what the lookup said. A started dispatcher does this
   * for every tenant when {@link DispatcherConfig#reconcileInterval()} is set.
   */
  public ReconcileReport reconcileHeld() {
    return Reconciler.reconcile(this, false, PageRequest.MAX_LIMIT);
  }

  /**
   * Records an operator's decision about a held message, in its status history: sent (with the provider's id
   * when known), failed, or queued again.
   *
   * @param note why, for the history (null for a default note)
   * @throws InvalidInputException when the message is not held
   */
  public Message resolveHeld(UUID messageId, HeldResolution resolution, @Nullable String note) {
    return Reconciler.resolve(this, Require.nonNull(messageId, "message_id"),
        Require.nonNull(resolution, "resolution"), note);
  }

  /** Counts to monitor for this tenant: queued, sending, held, retrying, failed in the last hour, oldest queued age. */
  public org.smskit.jooq.repository.DispatchQueue.Stats dispatchStats() {
    Instant now = now();
    return core.db().inTransactionAcrossTenants(dsl ->
        org.smskit.jooq.repository.DispatchQueue.across(dsl).stats(tenant.value(), now));
  }

  /**
   * Queues one text to many recipients through a messaging service, in one transaction with batched writes;
   * returns one result per recipient, in order: queued, invalid number, opted out, or duplicate (listed twice,
   * or already sent to under the same campaign key). Nothing is sent here: a {@link Dispatcher} sends them at
   * the rates the senders allow, transactional traffic first.
   */
  public List<BulkResult> bulkSend(BulkSendRequest request) {
    Require.nonNull(request, "request");
    List<BulkResult> results = write(tx -> Bulk.send(this, tx, request));
    core.dispatchers().forEach(Dispatcher::wake);
    return results;
  }

  /** {@link #queue} then {@link #dispatch}: store durably, then send now. */
  public SendReceipt send(SendRequest request) {
    SendReceipt queued = queue(request);
    return queued.duplicate() ? queued : dispatch(queued.messageId());
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
    Require.nonNull(request, "request");
    return Inbound.handle(this, senderAccountId, request);
  }

  /** Applies an event the host parsed itself, as {@link #handleWebhook} does after verification. */
  public WebhookOutcome recordEvent(UUID senderAccountId, WebhookEvent event) {
    return Inbound.record(this, senderAccountId, event);
  }

  /**
   * The public URL at which this service expects the webhooks of an account:
   * {@code <webhookBaseUrl>/<tenant>/<accountId>}; empty when no base URL was configured.
   */
  public Optional<URI> webhookUrl(UUID senderAccountId) {
    URI base = core.webhookBaseUrl();
    if (base == null) {
      return Optional.empty();
    }
    String path = base.toString().endsWith("/") ? base.toString() : base + "/";
    return Optional.of(URI.create(path + tenant.value() + "/" + senderAccountId));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Opt-outs

  /** Records that {@code phone} opted out for {@code scope} (an API call by the host). */
  public OptOut optOut(String phone, OptOutScope scope, @Nullable UUID serviceId, @Nullable Long campaignId) {
    PhoneNumber e164 = core.phones().parse("phone", phone, null);
    OptOut optOut = OptOut.of(e164, scope, serviceId, campaignId, OptOutSource.API, null, null, now());
    return write(tx -> {
      OptOut stored = tx.r().optOuts().optOut(optOut);
      tx.events().add(new SmsEvent.RecipientOptedOut(tenant, stored));
      return stored;
    });
  }

  /** Ends every active opt-out of {@code phone}; returns those ended. */
  public List<OptOut> optIn(String phone) {
    PhoneNumber e164 = core.phones().parse("phone", phone, null);
    return write(tx -> {
      List<OptOut> ended = tx.r().optOuts().optIn(e164, OptOutSource.API, now());
      if (!ended.isEmpty()) {
        tx.events().add(new SmsEvent.RecipientOptedIn(tenant, ended));
      }
      return ended;
    });
  }

  /** Every opt-out, active and ended, oldest first. */
  public Page<OptOut> optOuts(PageRequest page) {
    return read(r -> r.optOuts().list(page));
  }

  /** The active opt-outs of {@code phone}. */
  public List<OptOut> activeOptOuts(String phone) {
    PhoneNumber e164 = core.phones().parse("phone", phone, null);
    return read(r -> r.optOuts().active(e164));
  }

  /**
   * Writes every opt-out as CSV ({@code phone,scope,service_account_id,campaign_id,source,keyword,provider,
   * opted_out_at,opted_in_at,opt_in_source}), oldest first, for audits and carrier requests.
   */
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

  // ---------------------------------------------------------------------------------------------------------
  // Conversations

  /** Active, open conversations, newest activity first, with CRM customer names when the host has the table. */
  public Page<InboxEntry> inbox(PageRequest page) {
    return read(r -> r.conversations().activeInbox(page));
  }

  /** Conversations assigned to {@code staffId} that have unread messages. */
  public Page<Conversation> assignedWithUnread(int staffId, PageRequest page) {
    return read(r -> r.conversations().assignedWithUnread(staffId, page));
  }

  public Optional<Conversation> conversation(String conversationId) {
    return read(r -> r.conversations().findByConversationId(conversationId));
  }

  /** A conversation's messages, oldest first, each with its attachments and reactions. */
  public Page<MessageView> timeline(String conversationId, PageRequest page) {
    return read(r -> {
      Page<Message> messages = r.messages().conversationTimeline(conversationId, page);
      return new Page<>(views(r, messages.items()), messages.next());
    });
  }

  /** Unread inbound messages, newest first. */
  public Page<Message> unread(PageRequest page) {
    return read(r -> r.messages().unreadInbound(page));
  }

  /** A message with its attachments and reactions. */
  public MessageView message(UUID messageId) {
    return read(r -> views(r, List.of(r.messages().get(messageId))).get(0));
  }

  private static List<MessageView> views(Repositories r, List<Message> messages) {
    if (messages.isEmpty()) {
      return List.of();
    }
    List<UUID> ids = messages.stream().map(Message::id).toList();
    var attachments = r.attachments().listByMessages(ids);
    var reactions = r.reactions().listByMessages(ids);
    List<MessageView> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      out.add(new MessageView(m, attachments.stream().filter(a -> a.messageId().equals(m.id())).toList(),
          reactions.stream().filter(x -> x.messageId().equals(m.id())).toList()));
    }
    return out;
  }

  /**
   * Marks an inbound message read (sets {@code read_at}, status {@code read}) and takes it off its conversation's
   * unread count. Marking a read message again changes nothing.
   */
  public Message markRead(UUID messageId) {
    return write(tx -> {
      Message found = tx.r().messages().find(messageId)
          .orElseThrow(() -> new NotFoundException("message", messageId));
      if (found.direction() != org.smskit.core.model.Direction.INBOUND) {
        throw new InvalidInputException("message_id", "only inbound messages are marked read by the host");
      }
      // The conversation first, then the message: the order markConversationRead takes, so they never deadlock.
      tx.r().conversations().lock(found.conversationId());
      Message message = tx.r().messages().lock(messageId).orElseThrow();
      if (message.readAt() != null) {
        return message;
      }
      Message read = tx.r().messages().update(message.toBuilder().readAt(now())
          .status(org.smskit.core.status.MessageStatus.READ).build());
      tx.r().conversations().markRead(message.conversationId(), 1);
      return read;
    });
  }

  /** Marks every unread inbound message of the conversation read; its unread count becomes 0. */
  public Conversation markConversationRead(String conversationId) {
    return write(tx -> {
      lockConversation(tx, conversationId);
      int read = tx.r().messages().markConversationRead(conversationId, now());
      return tx.r().conversations().markRead(conversationId, read);
    });
  }

  /** Assigns the conversation to a staff member ({@code sys_users.id}), or unassigns it with null. */
  public Conversation assign(String conversationId, @Nullable Integer staffId) {
    return write(tx -> {
      Conversation current = lockConversation(tx, conversationId);
      Conversation assigned = tx.r().conversations().update(current.toBuilder().assignedStaffId(staffId).build());
      if (!java.util.Objects.equals(current.assignedStaffId(), staffId)) {
        tx.events().add(new SmsEvent.ConversationAssigned(tenant, assigned, current.assignedStaffId()));
      }
      return assigned;
    });
  }

  /** Closes the conversation (state {@code closed}, {@code conversation_end} now). */
  public Conversation close(String conversationId) {
    return write(tx -> {
      Conversation current = lockConversation(tx, conversationId);
      if (current.state() == ConversationState.CLOSED) {
        return current;
      }
      Conversation closed = tx.r().conversations().update(current.toBuilder().state(ConversationState.CLOSED)
          .conversationEnd(max(now(), current.conversationStart())).build());
      tx.events().add(new SmsEvent.ConversationClosed(tenant, closed));
      return closed;
    });
  }

  /** Reopens a closed conversation. */
  public Conversation reopen(String conversationId) {
    return write(tx -> {
      Conversation current = lockConversation(tx, conversationId);
      if (current.state() != ConversationState.CLOSED) {
        return current;
      }
      Conversation reopened = tx.r().conversations().update(current.toBuilder().state(ConversationState.OPEN)
          .conversationEnd(null).build());
      tx.events().add(new SmsEvent.ConversationReopened(tenant, reopened));
      return reopened;
    });
  }

  public Conversation setStatus(String conversationId, ConversationStatus status) {
    return update(conversationId, b -> b.status(Require.nonNull(status, "status")));
  }

  public Conversation setPriority(String conversationId, Priority priority) {
    return update(conversationId, b -> b.priority(Require.nonNull(priority, "priority")));
  }

  public Conversation setTags(String conversationId, List<String> tags) {
    return update(conversationId, b -> b.tags(Require.nonNull(tags, "tags")));
  }

  public Conversation setJourneyStage(String conversationId, @Nullable String journeyStage) {
    return update(conversationId, b -> b.journeyStage(journeyStage));
  }

  /** Links the conversation to a CRM customer ({@code crm_customers.id}), or unlinks it with null. */
  public Conversation linkCustomer(String conversationId, @Nullable Integer crmCustomerId) {
    return update(conversationId, b -> b.customerIdCrm(crmCustomerId));
  }

  /**
   * Changes fields of a conversation that no other method covers (AI analysis, next action...). Counters,
   * state and assignment have their own methods and are not changed here.
   */
  public Conversation update(String conversationId, UnaryOperator<Conversation.Builder> change) {
    return write(tx -> {
      Conversation current = lockConversation(tx, conversationId);
      Conversation changed = change.apply(current.toBuilder()).build();
      Conversation kept = changed.toBuilder().id(current.id()).conversationId(current.conversationId())
          .messageCount(current.messageCount()).unreadCount(current.unreadCount()).state(current.state())
          .assignedStaffId(current.assignedStaffId()).lastMessageAt(current.lastMessageAt()).build();
      return tx.r().conversations().update(kept);
    });
  }

  private static Conversation lockConversation(Tx tx, String conversationId) {
    return tx.r().conversations().lock(conversationId)
        .orElseThrow(() -> new NotFoundException("conversation", conversationId));
  }

  private static Instant max(Instant a, @Nullable Instant b) {
    return b == null || a.isAfter(b) ? a : b;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Contacts

  /**
   * Creates a contact; the number is normalised to E.164 and its country code, area code and (when the number
   * has one candidate) time zone are filled in.
   */
  public Contact createContact(@Nullable String name, String phone) {
    PhoneNumber e164 = core.phones().parse("phone", phone, null);
    return write(tx -> tx.r().contacts().insert(Outbound.newContact(core.phones(), name, e164)));
  }

  /** Writes every field of {@code contact} over the stored one. */
  public Contact updateContact(Contact contact) {
    return write(tx -> tx.r().contacts().update(contact));
  }

  /** A contact by number, typed any way the normaliser accepts. */
  public Optional<Contact> findContact(String phone) {
    PhoneNumber e164 = core.phones().parse("phone", phone, null);
    return read(r -> r.contacts().findByPhone(e164));
  }

  /**
   * Folds {@code duplicateId} into {@code keepId}: every field the kept contact lacks is taken from the
   * duplicate (name, CRM id, time zone, assigned number, the later last contact), then the duplicate is deleted.
   * Messages are linked to contacts by number and stay where they are.
   */
  public Contact mergeContacts(UUID keepId, UUID duplicateId) {
    if (keepId.equals(duplicateId)) {
      throw new InvalidInputException("duplicate_id", "must differ from the contact kept");
    }
    return write(tx -> {
      Contact keep = tx.r().contacts().get(keepId);
      Contact dup = tx.r().contacts().get(duplicateId);
      Contact merged = keep
          .withName(keep.name() != null ? keep.name() : dup.name())
          .withCrmId(keep.crmId() != null ? keep.crmId() : dup.crmId())
          .withRegion(keep.countryCode() != null ? keep.countryCode() : dup.countryCode(),
              keep.areaCode() != null ? keep.areaCode() : dup.areaCode(),
              keep.timezone() != null ? keep.timezone() : dup.timezone())
          .withAssignedPhoneNumberId(keep.assignedPhoneNumberId() != null ? keep.assignedPhoneNumberId()
              : dup.assignedPhoneNumberId())
          .withLastContactedAt(later(keep.lastContactedAt(), dup.lastContactedAt()));
      tx.r().contacts().delete(duplicateId);
      return tx.r().contacts().update(merged);
    });
  }

  private static @Nullable Instant later(@Nullable Instant a, @Nullable Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reactions

  /** Adds a reaction; the same person giving the same reaction again changes nothing. */
  public Reaction addReaction(UUID messageId, String type, String value, String reactedBy) {
    Reaction reaction = Reaction.create(messageId, type, value, reactedBy);
    return write(tx -> {
      tx.r().messages().get(messageId);
      return tx.r().reactions().listByMessage(messageId).stream()
          .filter(x -> x.reactedBy().equals(reactedBy) && x.reactionType().equals(type)
              && x.reactionValue().equals(value))
          .findFirst()
          .orElseGet(() -> tx.r().reactions().insert(reaction));
    });
  }

  /** Removes a reaction; true when it existed. */
  public boolean removeReaction(UUID messageId, String type, String value, String reactedBy) {
    return write(tx -> tx.r().reactions().remove(messageId, reactedBy, type, value));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Plumbing

  /** One transaction's repositories and the events to publish once it commits. */
  record Tx(Repositories r, List<SmsEvent> events, TenantId tenant) {}

  Core core() {
    return core;
  }

  Instant now() {
    return core.clock().instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Runs {@code work} in one transaction, then tells the listeners what it did. */
  <T> T write(Function<Tx, T> work) {
    List<SmsEvent> events = new ArrayList<>();
    T result = core.db().inTransaction(tenant, r -> {
      events.clear(); // a retried transaction starts over
      return work.apply(new Tx(r, events, tenant));
    });
    publish(events);
    return result;
  }

  /**
   * One transaction that is not confined to a tenant (dispatch works on many tenants' messages at once): each
   * tenant's repositories come from {@link Across#tenant}, and the events of all of them are published once it
   * committed.
   */
  static final class Across {
    private final org.jooq.DSLContext dsl;
    private final SmsDatabase db;
    private final List<SmsEvent> events;
    private final Map<String, Tx> tenants = new java.util.HashMap<>();

    private Across(org.jooq.DSLContext dsl, SmsDatabase db, List<SmsEvent> events) {
      this.dsl = dsl;
      this.db = db;
      this.events = events;
    }

    org.jooq.DSLContext dsl() {
      return dsl;
    }

    Tx tenant(String tenant) {
      return tenants.computeIfAbsent(tenant, t -> {
        TenantId id = TenantId.of(t);
        return new Tx(db.repositories(dsl, id), events, id);
      });
    }
  }

  /** Runs {@code work} in one transaction across tenants, then tells the listeners what it did. */
  <T> T writeAcross(Function<Across, T> work) {
    List<SmsEvent> events = new ArrayList<>();
    T result = core.db().inTransactionAcrossTenants(dsl -> {
      events.clear(); // a retried transaction starts over
      return work.apply(new Across(dsl, core.db(), events));
    });
    publish(events);
    return result;
  }

  <T> T read(SmsDatabase.Work<T> work) {
    return core.db().inTransaction(tenant, work);
  }

  private void publish(List<SmsEvent> events) {
    for (SmsEvent event : events) {
      for (SmsListener listener : core.listeners()) {
        try {
          listener.onEvent(event);
        } catch (RuntimeException e) {
          log.warn("smskit listener {} failed on {}: {}", listener.getClass().getName(),
              event.getClass().getSimpleName(), e.toString());
        }
      }
    }
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

    private Builder(DataSource dataSource, KeyProvider keys) {
      this.dataSource = Require.nonNull(dataSource, "dataSource");
      this.keys = Require.nonNull(keys, "keys");
    }

    /** Schema and history table names, ERP tables (default: schema {@code smskit}, no ERP foreign keys). */
    public Builder schema(SchemaConfig value) { schema = Require.nonNull(value, "schema"); return this; }

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

    /** Adds a listener; listeners hear events after their transaction committed, in the order added. */
    public Builder listener(SmsListener value) { listeners.add(Require.nonNull(value, "listener")); return this; }

    public SmsService build() {
      PhoneNumbers phones = defaultRegion == null ? PhoneNumbers.create() : PhoneNumbers.withDefaultRegion(defaultRegion);
      SecretCipher cipher = new SecretCipher(keys);
      SmsDatabase db = SmsDatabase.create(dataSource, schema);
      Credentials credentials = new Credentials(cipher, new KeyChecks(db, keys, cipher));
      SmsProviders installed = providers != null ? providers : SmsProviders.discover();
      Core core = new Core(dataSource, schema, db, credentials,
          new ProviderCache(installed, credentials, clock), phones, clock, conversationScope, stickySender,
          helpReply, keywordOptOutScope, transactionalIgnoresMarketingOptOut, webhookBaseUrl,
          List.copyOf(listeners), quietHours, dispatch, new java.util.concurrent.CopyOnWriteArraySet<>(),
          new AccountPauses());
      return new SmsService(core, TenantId.DEFAULT);
    }
  }
}
