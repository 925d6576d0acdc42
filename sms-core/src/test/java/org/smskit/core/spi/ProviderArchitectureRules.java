package org.smskit.core.spi;

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
 * What every provider module must be (shared by the Twilio and Vonage tests through sms-core's test jar): one HTTP
 * client behind sms-core's SPI, depending on sms-core, OkHttp, Jackson, SLF4J and the JDK only, that shows hosts
 * its factory and its provider and nothing else (settings are JSON, documented in the README, read by
 * package-private records).
 */
public abstract class ProviderArchitectureRules {
  private final String pkg;
  private final Set<String> publicTypes;
  private final String otherProvider;
  private final JavaClasses main;

  /**
   * @param pkg the provider's package
   * @param publicTypes every type a host can name (a new one is a deliberate choice: add it here and to the README)
   * @param otherProvider the package of the other provider, which this one must not know
   */
  protected ProviderArchitectureRules(String pkg, Set<String> publicTypes, String otherProvider) {
    this.pkg = pkg;
    this.publicTypes = publicTypes;
    this.otherProvider = otherProvider;
    this.main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(pkg);
  }

  @Test
  public void dependsOnlyOnCoreOkHttpJacksonSlf4jAndTheJdk() {
    // The JDK: java.* (but not java.sql, below) and javax.crypto for the webhook signatures' HMACs.
    classes().that().resideInAPackage(pkg + "..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(pkg + "..", "org.smskit.core..", "okhttp3..",
            "com.fasterxml.jackson..", "org.slf4j..", "java..", "javax.crypto..")
        .check(main);
  }

  @Test
  public void knowsNothingOfTheDataLayerOrTheOtherProvider() {
    noClasses().that().resideInAPackage(pkg + "..")
        .should().dependOnClassesThat().resideInAnyPackage("org.smskit.jooq..", "java.sql..", "javax.sql..",
            "org.jooq..", "org.flywaydb..", "org.postgresql..", otherProvider + "..", "org.smskit.examples..")
        .check(main);
  }

  @Test
  public void usesTheSpiNotTheStoredModelOrTheSimulatedProvider() {
    noClasses().that().resideInAPackage(pkg + "..")
        .should().dependOnClassesThat().resideInAnyPackage("org.smskit.core.model..", "org.smskit.core.simulated..")
        .because("a provider sees what the SPI hands it (OutboundMessage, ProviderConfig, WebhookRequest...), not"
            + " the rows of the data layer; the simulated provider is a provider of its own")
        .check(main);
  }

  @Test
  public void theOnlyPublicTypesAreTheFactoryAndTheProvider() {
    assertThat(publicTypes(main, pkg)).isEqualTo(new TreeSet<>(publicTypes));
  }

  /** The types of {@code pkg} a host can name: public, and nested only in public types. */
  static Set<String> publicTypes(JavaClasses classes, String pkg) {
    return classes.stream().filter(c -> c.getPackageName().equals(pkg)).filter(ProviderArchitectureRules::reachable)
        .map(c -> c.getName().substring(pkg.length() + 1)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static boolean reachable(JavaClass c) {
    return c.getModifiers().contains(JavaModifier.PUBLIC) && !c.isAnonymousClass() && !c.isLocalClass()
        && c.getEnclosingClass().map(ProviderArchitectureRules::reachable).orElse(true);
  }
}
