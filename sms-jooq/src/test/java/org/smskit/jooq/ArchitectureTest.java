package org.smskit.jooq;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.conditions.ArchConditions.onlyHaveDependenciesWhere;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

/**
 * The package structure of sms-jooq (main code only). {@code SmsService} (package {@code org.smskit.jooq}) is the
 * facade; below it the capability packages, each with one public capability class, public value types and
 * package-private engines; below those {@code internal} (what the capabilities share, public but not an API),
 * {@code event} (what listeners hear), {@code repository} (tenant-confined data access), {@code schema} (Flyway)
 * and {@code generated} (jOOQ's code). Dependencies point down, never up, and never in a circle.
 */
class ArchitectureTest {
  static final String ROOT = "org.smskit.jooq";
  static final String ACCOUNTS = ROOT + ".accounts..";
  static final String SENDING = ROOT + ".sending..";
  static final String DISPATCH = ROOT + ".dispatch..";
  static final String WEBHOOKS = ROOT + ".webhooks..";
  static final String INBOX = ROOT + ".inbox..";
  static final String OPTOUT = ROOT + ".optout..";
  static final String ANALYSIS = ROOT + ".analysis..";
  static final String REPORTING = ROOT + ".reporting..";
  static final String INTERNAL = ROOT + ".internal..";
  static final String EVENT = ROOT + ".event..";
  static final String REPOSITORY = ROOT + ".repository..";
  static final String SCHEMA = ROOT + ".schema..";
  static final String GENERATED = ROOT + ".generated..";
  static final String[] CAPABILITIES = {ACCOUNTS, SENDING, DISPATCH, WEBHOOKS, INBOX, OPTOUT, ANALYSIS,
      REPORTING};
  static final String[] BELOW_CAPABILITIES = {INTERNAL, EVENT, REPOSITORY, SCHEMA, GENERATED};

  /**
   * Which capability may use which other (the rest use none): a directed graph without cycles, so the capability
   * packages can never form one. Each edge names what it is for.
   */
  static final Map<String, List<String>> CAPABILITY_USES = Map.of(
      ACCOUNTS, List.of(),
      INBOX, List.of(),
      OPTOUT, List.of(),
      // Conversation analysis reads what the others wrote, through the repositories only.
      ANALYSIS, List.of(),
      // Delivery and cost reports read what the others wrote, through the repositories only.
      REPORTING, List.of(),
      // Outbound/Bulk create contacts and conversation keys (Contacts.describe, ConversationKeys,
      // ConversationScope) and refuse opted-out recipients (OptOutPolicy).
      SENDING, List.of(INBOX, OPTOUT),
      // Delivery/Reconciler re-check quiet hours, priority and opt-outs before each request (QuietHours,
      // SendTiming, OptOutPolicy) and answer with a SendReceipt.
      DISPATCH, List.of(SENDING, OPTOUT),
      // Inbound files a message under its contact and conversation (Contacts.describe, ConversationKeys,
      // ConversationScope), queues the HELP reply (Sending.queueHelpReply, SendRequest, MediaItem) and sends it at
      // once (Dispatch).
      WEBHOOKS, List.of(INBOX, SENDING, DISPATCH));

  /** The package-private engines of the capability packages: hosts reach them only through the facade. */
  static final Set<String> ENGINES = Set.of(
      ROOT + ".accounts.Rotation",
      ROOT + ".dispatch.Delivery", ROOT + ".dispatch.DispatchQueue", ROOT + ".dispatch.Reconciler",
      ROOT + ".dispatch.Preparation", ROOT + ".dispatch.Requests", ROOT + ".dispatch.Outcomes",
      ROOT + ".dispatch.Snapshot", ROOT + ".dispatch.Batch", ROOT + ".dispatch.Call", ROOT + ".dispatch.CallResult",
      ROOT + ".sending.Outbound", ROOT + ".sending.Bulk", ROOT + ".sending.SendPolicy", ROOT + ".sending.QuickQueue",
      ROOT + ".webhooks.InboundMessages", ROOT + ".webhooks.StatusReports", ROOT + ".webhooks.QuickInbound",
      ROOT + ".webhooks.Keywords",
      ROOT + ".analysis.AnalysisQueue", ROOT + ".analysis.Analysis",
      ROOT + ".reporting.DeliveryQueries", ROOT + ".reporting.PriceFetch");

  /**
   * Everything public in the capability packages (nested types included when reachable), so that a new public
   * type is a deliberate choice. Capability classes are public because SmsService lives in another package;
   * the types marked "shared" are public only because another capability package uses them.
   */
  static final Map<String, Set<String>> PUBLIC_TYPES = Map.of(
      ACCOUNTS, Set.of("Accounts", "RotationReport"),
      DISPATCH, Set.of("Dispatch", "Dispatcher", // the capability, and the worker SmsService.dispatcher() returns
          "DispatcherConfig", "DispatcherConfig$Builder", "DispatcherConfig$UnknownOutcome", "DispatchStats",
          "DispatchCodes", "HeldMessage", "HeldResolution", "HeldResolution$Sent", "HeldResolution$Failed",
          "HeldResolution$Requeue", "ReconcileReport"),
      INBOX, Set.of("Inbox", "Contacts", "Reactions", "ConversationScope", "MessageView",
          "ConversationKeys"), // shared: sending and webhooks key conversations the same way
      OPTOUT, Set.of("OptOuts", "RecipientOptedOutException",
          "OptOutPolicy"), // shared: sending and dispatch apply the one opt-out rule
      SENDING, Set.of("Sending", "SendRequest", "SendRequest$Builder", "SendReceipt", "BulkSendRequest",
          "BulkMessage", "BulkSummary", "BulkResult", "BulkResult$Outcome", "MediaItem", "QuietHours",
          "SendTiming"), // shared: dispatch re-applies priority and quiet hours
      WEBHOOKS, Set.of("Webhooks", "WebhookOutcome", "WebhookOutcome$Result"),
      ANALYSIS, Set.of("ConversationAnalytics", "AnalysisWorker", // the capability, and the worker it makes
          "ConversationAnalytics$SecretRotation", // what rotateSecrets did, for SmsService.rotateCredentials
          "AnalysisConfig", "AnalysisConfig$Builder",
          "Analyzers"), // created by SmsService and shared by its tenant views; no method of it is public
      REPORTING, Set.of("DeliveryAnalytics", "DeliveryStats", "DeliveryDimension"));

  static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  @Test
  void everyPackageHasAPlaceInTheseRules() {
    Set<String> packages = MAIN.stream().map(JavaClass::getPackageName)
        .map(p -> p.equals(ROOT) ? ROOT : ROOT + "." + p.substring(ROOT.length() + 1).split("\\.")[0] + "..")
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> known = Stream.concat(Stream.of(ROOT), Stream.concat(Arrays.stream(CAPABILITIES),
        Arrays.stream(BELOW_CAPABILITIES))).collect(Collectors.toCollection(TreeSet::new));
    assertThat(packages).as("packages of sms-jooq; a new one needs its place in ArchitectureTest").isEqualTo(known);
  }

  @Test
  void nothingBelowTheFacadeDependsOnIt() {
    noClasses().that().resideInAnyPackage(concat(CAPABILITIES, BELOW_CAPABILITIES))
        .should().dependOnClassesThat().resideInAPackage(ROOT)
        .because("the capabilities depend on the narrow internal SmsContext, never on SmsService")
        .check(MAIN);
  }

  @Test
  void internalEventRepositorySchemaAndGeneratedCodeDoNotDependOnCapabilities() {
    noClasses().that().resideInAnyPackage(BELOW_CAPABILITIES)
        .should().dependOnClassesThat().resideInAnyPackage(CAPABILITIES)
        .because("capabilities are built on these packages, not the other way round")
        .check(MAIN);
  }

  @Test
  void theLowerPackagesKeepTheirOrder() {
    // event: what hosts' listeners receive; values of sms-core only.
    usesWithinSmsJooqOnly(EVENT).check(MAIN);
    // schema: the Flyway runner and its configuration; stands alone (repository reads SchemaConfig).
    usesWithinSmsJooqOnly(SCHEMA).check(MAIN);
    // repository: SQL over the generated tables, with the schema names of SchemaConfig.
    usesWithinSmsJooqOnly(REPOSITORY, SCHEMA, GENERATED).check(MAIN);
    // internal: transactions, events, credentials and providers shared by the capabilities.
    usesWithinSmsJooqOnly(INTERNAL, EVENT, REPOSITORY, SCHEMA).check(MAIN);
    // generated: jOOQ's code knows nothing of ours.
    usesWithinSmsJooqOnly(GENERATED).check(MAIN);
  }

  @Test
  void capabilitiesUseOneAnotherOnlyAlongTheDocumentedEdges() {
    assertThat(CAPABILITY_USES.keySet()).containsExactlyInAnyOrder(CAPABILITIES);
    for (Map.Entry<String, List<String>> capability : CAPABILITY_USES.entrySet()) {
      String[] others = Arrays.stream(CAPABILITIES)
          .filter(c -> !c.equals(capability.getKey()) && !capability.getValue().contains(c)).toArray(String[]::new);
      noClasses().that().resideInAPackage(capability.getKey())
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .because("a new edge between capabilities is a design decision: add it to CAPABILITY_USES, without a cycle")
          .check(MAIN);
    }
  }

  @Test
  void packagesAreFreeOfCycles() {
    // No cycle exists today, so there is no allow-list. Should one become necessary, exempt exactly that
    // dependency with ignoreDependency(origin, target) and a comment saying why, so that any other cycle fails.
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void generatedCodeIsUsedOnlyByRepositoriesAndTheDispatchQueue() {
    // Repositories confine every query to their tenant. DispatchQueue and AnalysisQueue are the exceptions: the
    // dispatcher's claim, leases, buckets and circuits, and the analysis worker's sweep and claim, span tenants,
    // so their SQL lives next to their worker rather than in a tenant-bound repository (every statement of theirs
    // names its tenant). The schema package migrates with Flyway's SQL files and needs no generated code.
    noClasses().that().resideOutsideOfPackages(REPOSITORY, GENERATED).and(not(dispatchQueue()))
        .and(not(analysisQueue()))
        .should().dependOnClassesThat().resideInAPackage(GENERATED)
        .check(MAIN);
  }

  /**
   * jOOQ types that escape the repositories today, as {@code origin -> target} class, each with where it comes
   * from. The rule below fails on any other; an entry whose dependency is gone fails too, so it is removed.
   */
  static final Map<String, String> JOOQ_OUTSIDE_REPOSITORIES = Map.of(
      ROOT + ".dispatch.Reconciler -> org.jooq.Record2",
      "OutboxRepository.attemptSpan returns Optional<Record2<Instant, Instant>> (first attempt's start, last"
          + " attempt's end), read by Reconciler.reconcileOne; a value type of the repository would end it");

  @Test
  void onlyRepositoriesAndTheDispatchQueueBuildSql() {
    DescribedPredicate<JavaClass> sqlHomes = resideInAnyPackage(REPOSITORY, GENERATED).or(dispatchQueue())
        .or(analysisQueue());
    DescribedPredicate<JavaClass> elsewhere = describe("reside outside repository, generated, DispatchQueue and"
            + " AnalysisQueue",
        (JavaClass c) -> !sqlHomes.test(c));
    // Elsewhere the one jOOQ type is DSLContext: the handle of a cross-tenant transaction
    // (SmsDatabase.inTransactionAcrossTenants, internal.Across) that the dispatcher hands on to DispatchQueue...
    classes().that(elsewhere)
        .should(onlyHaveDependenciesWhere(describe("no jOOQ type is used but DSLContext (and those listed in"
            + " JOOQ_OUTSIDE_REPOSITORIES)", (Dependency d) -> !jooqQueryApi().test(d.getTargetClass())
            || d.getTargetClass().isEquivalentTo(DSLContext.class)
            || JOOQ_OUTSIDE_REPOSITORIES.containsKey(d.getOriginClass().getName() + " -> "
                + d.getTargetClass().getName()))))
        .check(MAIN);
    // ... without building SQL on it ...
    noClasses().that(elsewhere)
        .should().accessClassesThat(type(DSLContext.class))
        .check(MAIN);
    // ... and only the dispatcher and the analysis worker hold one.
    noClasses().that().resideOutsideOfPackages(REPOSITORY, GENERATED, INTERNAL, DISPATCH, ANALYSIS)
        .should().dependOnClassesThat(type(DSLContext.class))
        .because("a transaction across tenants is for the dispatcher and the analysis worker only")
        .check(MAIN);
    // The exceptions are still needed.
    Set<String> present = MAIN.stream().flatMap(c -> c.getDirectDependenciesFromSelf().stream())
        .map(d -> d.getOriginClass().getName() + " -> " + d.getTargetClass().getName())
        .collect(Collectors.toSet());
    assertThat(present).as("dependencies in JOOQ_OUTSIDE_REPOSITORIES that are gone: remove them from the list")
        .containsAll(JOOQ_OUTSIDE_REPOSITORIES.keySet());
  }

  @Test
  void onlySchemaAndRepositoriesTouchJdbcTheDriverAndFlyway() {
    // The one exception: the host's connection, which SmsService.joining hands down, untouched, to
    // SmsDatabase.joining.
    noClasses().that().resideOutsideOfPackages(SCHEMA, REPOSITORY)
        .should().dependOnClassesThat(resideInAnyPackage("java.sql..", "org.postgresql..", "org.flywaydb..")
            .and(not(type(java.sql.Connection.class))))
        .because("capabilities reach the database through repositories, so every statement names its tenant")
        .check(MAIN);
    noClasses().that().resideOutsideOfPackages(SCHEMA, REPOSITORY)
        .should().accessClassesThat().belongToAnyOf(java.sql.Connection.class)
        .because("the host's connection is only handed down to SmsDatabase.joining")
        .check(MAIN);
    noClasses().that().resideOutsideOfPackage(SCHEMA)
        .should().dependOnClassesThat().resideInAPackage("org.flywaydb..")
        .check(MAIN);
  }

  @Test
  void smsJooqKnowsNoHttpClientJsonLibraryOrProvider() {
    // The providers and OkHttp are test dependencies of this module (fault injection against Twilio's client),
    // so this fails only if one becomes a compile dependency and is used: providers plug in through sms-core's SPI.
    noClasses().that().resideInAPackage(ROOT + "..")
        .should().dependOnClassesThat().resideInAnyPackage("okhttp3..", "okio..", "com.fasterxml.jackson..",
            "org.smskit.twilio..", "org.smskit.vonage..", "org.smskit.examples..")
        .check(MAIN);
  }

  @Test
  void enginesAreNotPublic() {
    assertThat(ENGINES).allSatisfy(name -> assertThat(MAIN.contain(name)).as(name + " exists").isTrue());
    classes().that(describe("are the engines " + new TreeSet<>(ENGINES),
            (JavaClass c) -> ENGINES.contains(c.getName())))
        .should().notBePublic()
        .because("hosts use a capability through SmsService; its engines are package-private")
        .check(MAIN);
  }

  @Test
  void capabilityPackagesExposeOnlyTheirCapabilityAndValueTypes() {
    Map<String, Set<String>> actual = new LinkedHashMap<>();
    for (String capability : CAPABILITIES) {
      String pkg = capability.substring(0, capability.length() - 2);
      actual.put(capability, MAIN.stream().filter(c -> c.getPackageName().equals(pkg))
          .filter(ArchitectureTest::reachable).map(c -> c.getName().substring(pkg.length() + 1))
          .collect(Collectors.toCollection(TreeSet::new)));
    }
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(PUBLIC_TYPES.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> new TreeSet<>(e.getValue()))));
  }

  // ---------------------------------------------------------------------------------------------------------

  /** Public, and so are the types it is nested in: a host can name it. */
  static boolean reachable(JavaClass c) {
    return c.getModifiers().contains(JavaModifier.PUBLIC) && !c.isAnonymousClass() && !c.isLocalClass()
        && c.getEnclosingClass().map(ArchitectureTest::reachable).orElse(true);
  }

  private static com.tngtech.archunit.lang.ArchRule usesWithinSmsJooqOnly(String pkg, String... allowed) {
    return noClasses().that().resideInAPackage(pkg)
        .should().dependOnClassesThat(resideInAPackage(ROOT + "..").and(not(resideInAnyPackage(concat(
            new String[] {pkg}, allowed)))))
        .as("classes in " + pkg + " use no other package of sms-jooq than " + List.of(allowed));
  }

  /** DispatchQueue with its nested types. */
  private static DescribedPredicate<JavaClass> dispatchQueue() {
    String name = ROOT + ".dispatch.DispatchQueue";
    assertThat(MAIN.contain(name)).as(name + " exists").isTrue();
    return describe("belong to DispatchQueue",
        (JavaClass c) -> c.getName().equals(name) || c.getName().startsWith(name + "$"));
  }

  /** AnalysisQueue with its nested types. */
  private static DescribedPredicate<JavaClass> analysisQueue() {
    String name = ROOT + ".analysis.AnalysisQueue";
    assertThat(MAIN.contain(name)).as(name + " exists").isTrue();
    return describe("belong to AnalysisQueue",
        (JavaClass c) -> c.getName().equals(name) || c.getName().startsWith(name + "$"));
  }

  private static DescribedPredicate<JavaClass> jooqQueryApi() {
    return resideInAPackage("org.jooq..").and(not(resideInAPackage("org.jooq.tools.json.."))).as("jOOQ");
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
  }
}
