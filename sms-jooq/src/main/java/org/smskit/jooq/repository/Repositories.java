package org.smskit.jooq.repository;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.smskit.core.model.Message;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * The repositories of one transaction and one tenant, handed to {@link SmsDatabase#inTransaction}. Every read
 * is confined to the tenant and every row written carries it. Valid only inside that call.
 */
public final class Repositories {
  private final DSLContext dsl;
  private final String tenant;
  private final SchemaConfig config;

  Repositories(DSLContext dsl, String tenant, SchemaConfig config) {
    this.dsl = dsl;
    this.tenant = tenant;
    this.config = config;
  }

  /**
   * Runs {@code sql} in this transaction with {@code values} and the parameter {@code :tenant} bound to this
   * tenant, and reads every row it returns: for set-based work in one statement (a bulk send). The statement must
   * confine every table it touches with {@code :tenant}.
   */
  public <T> List<T> query(NamedSql sql, Map<String, ?> values, NamedSql.RowReader<T> reader) {
    Map<String, Object> bound = new HashMap<>(values);
    bound.put("tenant", tenant);
    try {
      return dsl.connectionResult(connection -> sql.queryAll(connection, bound, reader));
    } catch (DataAccessException e) {
      throw DbErrors.translate(e);
    }
  }

  public SenderAccountRepository senderAccounts() {
    return new SenderAccountRepository(dsl, tenant);
  }

  public SenderPhoneNumberRepository phoneNumbers() {
    return new SenderPhoneNumberRepository(dsl, tenant);
  }

  public ServiceAccountRepository serviceAccounts() {
    return new ServiceAccountRepository(dsl, tenant);
  }

  public ContactRepository contacts() {
    return new ContactRepository(dsl, tenant);
  }

  public ConversationRepository conversations() {
    return new ConversationRepository(dsl, tenant, config.erpTables());
  }

  public DeliveryReportRepository deliveryReports() {
    return new DeliveryReportRepository(dsl, tenant);
  }

  public MessageRepository messages() {
    return new MessageRepository(dsl, tenant);
  }

  public AttachmentRepository attachments() {
    return new AttachmentRepository(dsl, tenant);
  }

  public ReactionRepository reactions() {
    return new ReactionRepository(dsl, tenant);
  }

  public StatusEventRepository statusEvents() {
    return new StatusEventRepository(dsl, tenant);
  }

  public OptOutRepository optOuts() {
    return new OptOutRepository(dsl, tenant);
  }

  public OutboxRepository outbox() {
    return new OutboxRepository(dsl, tenant);
  }

  /** Messages sent with an unknown outcome, waiting for the reconciler or an operator. */
  public HeldMessageRepository held() {
    return new HeldMessageRepository(dsl, tenant);
  }

  public MessageKeyRepository messageKeys() {
    return new MessageKeyRepository(dsl, tenant);
  }

  /** Parts of inbound messages delivered in pieces; also the {@link org.smskit.core.spi.FragmentStore} of webhooks. */
  public FragmentRepository fragments() {
    return new FragmentRepository(dsl, tenant);
  }

  /**
   * The transaction's jOOQ context, for queries the repositories do not offer. Queries through it must filter
   * by {@code tenant_id} themselves.
   */
  public DSLContext dsl() {
    return dsl;
  }

  /**
   * The sender account a message goes out through: its number's, else its service's; empty when it names
   * neither.
   */
  public Optional<UUID> senderAccountOf(Message message) {
    if (message.senderPhoneNumberId() != null) {
      return Optional.of(phoneNumbers().get(message.senderPhoneNumberId()).accountId());
    }
    if (message.serviceAccountId() != null) {
      return Optional.of(serviceAccounts().get(message.serviceAccountId()).senderAccountId());
    }
    return Optional.empty();
  }

  /** The tenant of this transaction. */
  public String tenant() {
    return tenant;
  }
}
