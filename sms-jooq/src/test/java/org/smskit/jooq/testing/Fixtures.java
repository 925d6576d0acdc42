package org.smskit.jooq.testing;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Message;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.repository.Repositories;

/** Builds rows for tests through the real repositories. */
public final class Fixtures {
  /** Our number used by default. */
  public static final PhoneNumber OUR_NUMBER = PhoneNumber.of("+14155550100");

  private Fixtures() {}

  public static SenderAccount account(Repositories r) {
    return r.senderAccounts().insert(SenderAccount.create("Main", "twilio", "AC" + hex(32), null));
  }

  public static SenderPhoneNumber number(Repositories r, UUID accountId, String e164, boolean primary) {
    return r.phoneNumbers().insert(SenderPhoneNumber.create(accountId, PhoneNumber.of(e164), "line", primary));
  }

  public static ServiceAccount service(Repositories r, UUID accountId, ServiceType type) {
    return r.serviceAccounts().insert(ServiceAccount.create(accountId, type.dbValue() + " service", type));
  }

  public static Contact contact(Repositories r, String name, String e164) {
    return r.contacts().insert(Contact.create(name, PhoneNumber.of(e164)));
  }

  public static Conversation conversation(Repositories r, String key) {
    return r.conversations().insert(Conversation.builder().conversationId(key).build());
  }

  /** An inbound message from {@code from} to {@link #OUR_NUMBER} in {@code conversation}, created at {@code at}. */
  public static Message inbound(Repositories r, String conversation, String from, Instant at) {
    return r.messages().insert(Message.builder()
        .direction(Direction.INBOUND)
        .from(PhoneNumber.of(from))
        .to(OUR_NUMBER)
        .body("hello at " + at)
        .status(MessageStatus.RECEIVED)
        .receivedAt(at)
        .conversationId(conversation)
        .createdAt(at)
        .build());
  }

  /** An outbound message from {@link #OUR_NUMBER} to {@code to} in {@code conversation}, created at {@code at}. */
  public static Message outbound(Repositories r, String conversation, String to, MessageStatus status, Instant at) {
    return r.messages().insert(Message.builder()
        .direction(Direction.OUTBOUND)
        .from(OUR_NUMBER)
        .to(PhoneNumber.of(to))
        .body("reply at " + at)
        .status(status)
        .conversationId(conversation)
        .createdAt(at)
        .build());
  }

  public static String hex(int length) {
    StringBuilder out = new StringBuilder();
    while (out.length() < length) {
      out.append(UUID.randomUUID().toString().replace("-", ""));
    }
    return out.substring(0, length);
  }
}
