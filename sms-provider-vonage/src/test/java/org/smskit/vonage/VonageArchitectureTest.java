package org.smskit.vonage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Vonage provider (SMS API and Messages API) is one HTTP client behind sms-core's SPI: it depends on sms-core,
 * OkHttp, Jackson, SLF4J and the JDK only, and hosts see its factory and its provider, nothing else (settings are
 * JSON, documented in the README, read by package-private records).
 */
class VonageArchitectureTest {
  static final String PACKAGE = "org.smskit.vonage";

  /** Every type a host can name. A new one is a deliberate choice: add it here and to the README. */
  static final Set<String> PUBLIC_TYPES = Set.of("VonageProviderFactory", "VonageProvider");

  static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(PACKAGE);

  @Test
  void dependsOnlyOnCoreOkHttpJacksonSlf4jAndTheJdk() {
    // The JDK: java.* (but not java.sql, below) and javax.crypto for the webhook signatures' HMACs.
    classes().that().resideInAPackage(PACKAGE + "..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(PACKAGE + "..", "org.smskit.core..", "okhttp3..",
            "com.fasterxml.jackson..", "org.slf4j..", "java..", "javax.crypto..")
        .check(MAIN);
  }

  @Test
  void knowsNothingOfTheDataLayerOrTheOtherProvider() {
    noClasses().that().resideInAPackage(PACKAGE + "..")
        .should().dependOnClassesThat().resideInAnyPackage("org.smskit.jooq..", "java.sql..", "javax.sql..",
            "org.jooq..", "org.flywaydb..", "org.postgresql..", "org.smskit.twilio..", "org.smskit.examples..")
        .check(MAIN);
  }

  @Test
  void usesTheSpiNotTheStoredModelOrTheSimulatedProvider() {
    noClasses().that().resideInAPackage(PACKAGE + "..")
        .should().dependOnClassesThat().resideInAnyPackage("org.smskit.core.model..", "org.smskit.core.simulated..")
        .because("a provider sees what the SPI hands it (OutboundMessage, ProviderConfig, WebhookRequest...), not"
            + " the rows of the data layer; the simulated provider is a provider of its own")
        .check(MAIN);
  }

  @Test
  void theOnlyPublicTypesAreTheFactoryAndTheProvider() {
    assertThat(publicTypes(MAIN, PACKAGE)).isEqualTo(new TreeSet<>(PUBLIC_TYPES));
  }

  /** The types of {@code pkg} a host can name: public, and nested only in public types. */
  static Set<String> publicTypes(JavaClasses classes, String pkg) {
    return classes.stream().filter(c -> c.getPackageName().equals(pkg)).filter(VonageArchitectureTest::reachable)
        .map(c -> c.getName().substring(pkg.length() + 1)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static boolean reachable(JavaClass c) {
    return c.getModifiers().contains(JavaModifier.PUBLIC) && !c.isAnonymousClass() && !c.isLocalClass()
        && c.getEnclosingClass().map(VonageArchitectureTest::reachable).orElse(true);
  }
}
