package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smskit.core.ConflictException;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.Priority;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.InvalidPhoneNumberException;
import org.smskit.core.text.InvalidMessageBodyException;
import org.smskit.jooq.sending.BulkResult;
import org.smskit.jooq.sending.BulkSendRequest;
import org.smskit.jooq.sending.MediaItem;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

/** Bad input of every kind: a typed error naming the field, and nothing written, sent or announced. */
class BadInputServiceTest extends ServiceTestBase {
  private static final String KEY = "n:" + OUR_PRIMARY + ":" + CUSTOMER;

  @BeforeAll
  void erpRows() {
    db.execute("INSERT INTO public.sys_users (id, name) VALUES (7, 'Sam') ON CONFLICT DO NOTHING");
  }

  /** A send refused for a reason; {@code field} is what the exception must name. */
  record BadSend(String name, Class<? extends InvalidInputException> type, String field,
      java.util.function.Function<World, SendRequest.Builder> request) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BadSend> badSends() {
    return Stream.of(
        new BadSend("empty recipient", InvalidPhoneNumberException.class, "to_number",
            w -> SendRequest.to("").fromService(w.service()).body("Hi")),
        new BadSend("words as recipient", InvalidPhoneNumberException.class, "to_number",
            w -> SendRequest.to("call me").fromService(w.service()).body("Hi")),
        new BadSend("local number without area code", InvalidPhoneNumberException.class, "to_number",
            w -> SendRequest.to("555-0123").fromService(w.service()).body("Hi")),
        new BadSend("unassigned country code", InvalidPhoneNumberException.class, "to_number",
            w -> SendRequest.to("+999 555 0123").fromService(w.service()).body("Hi")),
        new BadSend("unknown region", InvalidInputException.class, "region",
            w -> SendRequest.to("020 7946 0018").region("ZZ").fromService(w.service()).body("Hi")),
        new BadSend("no body and no media", InvalidMessageBodyException.class, "body",
            w -> SendRequest.to(CUSTOMER).fromService(w.service())),
        new BadSend("empty body", InvalidMessageBodyException.class, "body",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("")),
        new BadSend("whitespace-only body", InvalidMessageBodyException.class, "body",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body(" \t\n\u00A0")),
        new BadSend("null recipient", InvalidPhoneNumberException.class, "to_number",
            w -> SendRequest.to(null).fromService(w.service()).body("Hi")),
        new BadSend("body too long", InvalidMessageBodyException.class, "body",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("x".repeat(1601))),
        new BadSend("NUL in body", InvalidMessageBodyException.class, "body",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("a\u0000b")),
        new BadSend("unpaired surrogate", InvalidMessageBodyException.class, "body",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("a\uD83D")),
        new BadSend("too many media", InvalidInputException.class, "media", w -> {
          SendRequest.Builder b = SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi");
          for (int i = 0; i < 11; i++) {
            b.media(MediaItem.of("https://cdn.example.com/" + i + ".png", "image/png"));
          }
          return b;
        }),
        new BadSend("media type that is not a MIME type", InvalidInputException.class, "mime_type",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi")
                .media(MediaItem.of("https://cdn.example.com/a.png", "png"))),
        new BadSend("negative media size", InvalidInputException.class, "file_size",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi")
                .media(new MediaItem(URI.create("https://cdn.example.com/a.png"), "image/png", "a.png", -1))),
        new BadSend("metadata that is not an object", InvalidInputException.class, "metadata",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").metadataJson("[1, 2]")),
        new BadSend("metadata that is not JSON", InvalidInputException.class, "metadata",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").metadataJson("{order: 1}")),
        new BadSend("empty idempotency key", InvalidInputException.class, "idempotency_key",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").idempotencyKey("")),
        new BadSend("overlong idempotency key", InvalidInputException.class, "idempotency_key",
            w -> SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").idempotencyKey("k".repeat(201))),
        new BadSend("no sender", InvalidInputException.class, "from",
            w -> SendRequest.to(CUSTOMER).body("Hi")),
        new BadSend("number and service", InvalidInputException.class, "from",
            w -> SendRequest.to(CUSTOMER).fromNumber(w.primary().id()).fromService(w.service()).body("Hi")));
  }

  @ParameterizedTest
  @MethodSource("badSends")
  void badSendIsATypedErrorNamingTheFieldWithNothingWritten(BadSend bad) {
    World w = world();
    List<Long> before = allRows();
    events.clear();

    assertThatThrownBy(() -> sms.send(bad.request().apply(w).build()))
        .isInstanceOfSatisfying(bad.type(), e -> assertThat(e.field()).isEqualTo(bad.field()));
    assertThatThrownBy(() -> sms.queue(bad.request().apply(w).build())).isInstanceOf(bad.type());

    assertThat(allRows()).isEqualTo(before);
    assertThat(providers.sendCalls).hasValue(0);
    assertThat(events).isEmpty();
  }

  static Stream<Arguments> unknownSenders() {
    return Stream.of(
        Arguments.of("service account", (Function<World, UUID>) World::service,
            (Function<UUID, SendRequest.Builder>) id -> SendRequest.to(CUSTOMER).fromService(id).body("Hi")),
        Arguments.of("sender phone number", (Function<World, UUID>) w -> w.primary().id(),
            (Function<UUID, SendRequest.Builder>) id -> SendRequest.to(CUSTOMER).fromNumber(id).body("Hi")),
        Arguments.of("sender account", (Function<World, UUID>) World::account,
            (Function<UUID, SendRequest.Builder>) id -> SendRequest.to(CUSTOMER).fromAccount(id).body("Hi")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unknownSenders")
  void unknownSenderIdIsNotFoundWithNothingWritten(String entity, Function<World, UUID> idOf,
      Function<UUID, SendRequest.Builder> request) {
    world();
    UUID otherTenants = idOf.apply(world(sms.forTenant(TenantId.of(tenant.value() + "-other"))));
    List<Long> before = allRows();
    events.clear();

    for (UUID unknown : List.of(UUID.randomUUID(), otherTenants)) {
      assertThatThrownBy(() -> sms.send(request.apply(unknown).build()))
          .isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.entity()).isEqualTo(entity);
            assertThat(e.key()).isEqualTo(unknown.toString());
          });
      assertThatThrownBy(() -> sms.queue(request.apply(unknown).build())).isInstanceOf(NotFoundException.class);
    }

    assertThat(allRows()).isEqualTo(before);
    assertThat(providers.sendCalls).hasValue(0);
    assertThat(events).isEmpty();
  }

  @Test
  void bulkSendThroughAnUnknownServiceIsNotFoundAndANullRecipientIsOneInvalidNumber() {
    World w = world();
    List<Long> before = allRows();

    assertThatThrownBy(() -> sms.bulkSend(BulkSendRequest.of(UUID.randomUUID(), "Hi", List.of(CUSTOMER), null)))
        .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.entity()).isEqualTo("service account"));
    assertThat(allRows()).isEqualTo(before);

    List<BulkResult> results = sms.bulkSend(BulkSendRequest.of(w.service(), "Hi",
        java.util.Arrays.asList(CUSTOMER, null), null));
    assertThat(results).extracting(BulkResult::outcome)
        .containsExactly(BulkResult.Outcome.QUEUED, BulkResult.Outcome.INVALID_NUMBER);
    assertThat(results.get(1).input()).isNull();
    assertThat(results.get(1).reason()).isEqualTo("must not be null");
    assertThatThrownBy(() -> sms.bulkSend(BulkSendRequest.of(w.service(), "  ", List.of(CUSTOMER), null)))
        .isInstanceOf(InvalidMessageBodyException.class);
  }

  @Test
  void blankInboundMessagesAreStoredAndBlankHelpRepliesRefusedAtConfiguration() {
    World w = world();

    assertThat(receive(w, CUSTOMER, "   ").result()).isEqualTo(WebhookOutcome.Result.STORED);
    assertThat(receive(w, CUSTOMER, "").result()).isEqualTo(WebhookOutcome.Result.STORED);
    assertThat(rows("sms_messages")).isEqualTo(2);
    assertThatThrownBy(() -> builder().helpReply(" \n "))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class, e -> assertThat(e.field()).isEqualTo("body"));
  }

  @Test
  void mediaThatTheProviderCannotFetchIsRefusedWhenDescribed() {
    assertThatThrownBy(() -> MediaItem.of("ftp://files.example.com/a.png", "image/png"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("media.url"));
    assertThatThrownBy(() -> MediaItem.of("file:///etc/passwd", "text/plain"))
        .isInstanceOf(InvalidInputException.class);
  }

  record BadCall(String name, Class<? extends RuntimeException> type, String field, Consumer<Ctx> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  record Ctx(SmsService sms, World w, UUID inbound) {}

  static Stream<Arguments> badCalls() {
    return Stream.of(
        new BadCall("provider name not lower case", InvalidInputException.class, "provider",
            c -> c.sms().registerSenderAccount("X", "Twilio", null, "t")),
        new BadCall("secret setting name", InvalidInputException.class, "settings.9lives",
            c -> c.sms().registerSenderAccount("X", "simulated", null, "t", "{}", Map.of("9lives", "s"))),
        new BadCall("settings not an object", InvalidInputException.class, "settings",
            c -> c.sms().registerSenderAccount("X", "simulated", null, "t", "[1]", Map.of())),
        new BadCall("settings not JSON", InvalidInputException.class, "settings",
            c -> c.sms().registerSenderAccount("X", "simulated", null, "t", "{region: us}", Map.of())),
        new BadCall("null provider", InvalidInputException.class, "provider",
            c -> c.sms().registerSenderAccount("X", null, null, "t")),
        new BadCall("sender number that is not a number", InvalidPhoneNumberException.class, "phone_number",
            c -> c.sms().addPhoneNumber(c.w().account(), "12", null, false)),
        new BadCall("sender number registered twice", ConflictException.class, "phone_number",
            c -> c.sms().addPhoneNumber(c.w().account(), "415 555 0101", null, true)),
        new BadCall("number of an unknown account", NotFoundException.class, null,
            c -> c.sms().addPhoneNumber(UUID.randomUUID(), "+14155550177", null, true)),
        new BadCall("blank service name", InvalidInputException.class, "service_name",
            c -> c.sms().createService(c.w().account(), "  ", ServiceType.SUPPORT, null, null, null)),
        new BadCall("service without a type", InvalidInputException.class, "service_type",
            c -> c.sms().createService(c.w().account(), "S", null, null, null, null)),
        new BadCall("service of an unknown account", InvalidInputException.class, "sender_account_id",
            c -> c.sms().createService(UUID.randomUUID(), "S", ServiceType.SUPPORT, null, null, null)),
        new BadCall("contact with a bad number", InvalidPhoneNumberException.class, "phone",
            c -> c.sms().createContact("X", "0")),
        new BadCall("contact without a number", InvalidPhoneNumberException.class, "phone",
            c -> c.sms().createContact("X", null)),
        new BadCall("contact looked up without a number", InvalidPhoneNumberException.class, "phone",
            c -> c.sms().findContact(null)),
        new BadCall("sender number null", InvalidPhoneNumberException.class, "phone_number",
            c -> c.sms().addPhoneNumber(c.w().account(), null, null, false)),
        new BadCall("opt-out without a number", InvalidPhoneNumberException.class, "phone",
            c -> c.sms().optOut(null, OptOutScope.ALL, null, null)),
        new BadCall("opt-in without a number", InvalidPhoneNumberException.class, "phone",
            c -> c.sms().optIn(null)),
        new BadCall("opt-outs of no number", InvalidPhoneNumberException.class, "phone",
            c -> c.sms().activeOptOuts(null)),
        new BadCall("contact that exists", ConflictException.class, "phone",
            c -> c.sms().createContact("X", "(415) 555-0123")),
        new BadCall("service opt-out without the service", InvalidInputException.class, "scope",
            c -> c.sms().optOut(CUSTOMER, OptOutScope.SERVICE, null, null)),
        new BadCall("campaign opt-out naming a service", InvalidInputException.class, "scope",
            c -> c.sms().optOut(CUSTOMER, OptOutScope.CAMPAIGN, c.w().service(), null)),
        new BadCall("opt-out of an unknown service", ConflictException.class, "service_account_id",
            c -> c.sms().optOut(CUSTOMER, OptOutScope.SERVICE, UUID.randomUUID(), null)),
        new BadCall("opt-out of a bad number", InvalidPhoneNumberException.class, "phone",
            c -> c.sms().optOut("nope", OptOutScope.ALL, null, null)),
        new BadCall("opt-out without a scope", InvalidInputException.class, "scope",
            c -> c.sms().optOut(CUSTOMER, null, null, null)),
        new BadCall("tags null", InvalidInputException.class, "tags", c -> c.sms().setConversationTags(KEY, null)),
        new BadCall("status null", InvalidInputException.class, "status", c -> c.sms().setConversationStatus(KEY, null)),
        new BadCall("priority null", InvalidInputException.class, "priority", c -> c.sms().setConversationPriority(KEY, null)),
        new BadCall("unknown staff member", ConflictException.class, "assigned_staff_id",
            c -> c.sms().assignConversation(KEY, 999_999)),
        new BadCall("unknown CRM customer", ConflictException.class, "customer_id_crm",
            c -> c.sms().linkCustomer(KEY, 999_999)),
        new BadCall("unknown conversation", NotFoundException.class, null,
            c -> c.sms().setConversationPriority("n:+1:+2", Priority.HIGH)),
        new BadCall("analysis score out of range", InvalidInputException.class, "sentiment_score",
            c -> c.sms().updateConversation(KEY, b -> b.sentimentScore(new java.math.BigDecimal("3")))),
        new BadCall("read of an unknown message", NotFoundException.class, null,
            c -> c.sms().markRead(UUID.randomUUID())),
        new BadCall("dispatch of an unknown message", NotFoundException.class, null,
            c -> c.sms().dispatch(UUID.randomUUID())),
        new BadCall("blank reaction", InvalidInputException.class, "reaction_type",
            c -> c.sms().addReaction(c.inbound(), " ", "1", "x")),
        new BadCall("merge with itself", InvalidInputException.class, "duplicate_id",
            c -> c.sms().mergeContacts(c.inbound(), c.inbound())),
        new BadCall("page of zero", InvalidInputException.class, "limit",
            c -> c.sms().inbox(new PageRequest(0, java.util.Optional.empty()))),
        new BadCall("tampered page cursor", InvalidInputException.class, null,
            c -> c.sms().inbox(PageRequest.after("not-a-cursor", 10))),
        new BadCall("webhook of an unknown account", NotFoundException.class, null,
            c -> c.sms().recordEvent(UUID.randomUUID(), new org.smskit.core.spi.StatusUpdateEvent("simulated", "SM1",
                null, org.smskit.core.status.MessageStatus.SENT, "sent", null, java.time.Instant.now(), "{}"))),
        new BadCall("tenant id with spaces", InvalidInputException.class, "tenant_id",
            c -> c.sms().forTenant(TenantId.of("acme corp"))))
        .map(Arguments::of);
  }

  @ParameterizedTest
  @MethodSource("badCalls")
  void badHostCallIsATypedErrorWithNothingWritten(BadCall bad) {
    World w = world();
    UUID in = receive(w, CUSTOMER, "Hi").messageId();
    List<Long> before = allRows();
    String conversation = sms.conversation(KEY).orElseThrow().toString();
    events.clear();

    assertThatThrownBy(() -> bad.call().accept(new Ctx(sms, w, in))).isInstanceOfSatisfying(bad.type(), e -> {
      if (bad.field() != null) {
        assertThat(((InvalidInputException) e).field()).isEqualTo(bad.field());
      }
    });

    assertThat(allRows()).isEqualTo(before);
    assertThat(sms.conversation(KEY).orElseThrow().toString()).isEqualTo(conversation);
    assertThat(events).isEmpty();
  }

  @Test
  void builderRefusesOptionsThatCannotWork() {
    assertThatThrownBy(() -> builder().keywordOptOutScope(OptOutScope.SERVICE))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("keywordOptOutScope"));
    assertThatThrownBy(() -> builder().helpReply("x".repeat(1601)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("body"));
    assertThatThrownBy(() -> builder().helpReply(""))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("body"));
    assertThatThrownBy(() -> builder().defaultRegion("ZZ").build())
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void unknownProviderIsRefusedAtRegistrationNamingTheInstalledOnes() {
    assertThatThrownBy(() -> sms.registerSenderAccount("X", "carrier-pigeon", null, "t"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("provider");
          assertThat(e.rule()).contains("carrier-pigeon").contains("[simulated]");
        });
    assertThat(rows("sms_sender_accounts")).isZero();
  }
}
