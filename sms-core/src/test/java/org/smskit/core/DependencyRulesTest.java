package org.smskit.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** sms-core stays light: no JDBC, jOOQ, HTTP client, JSON or metrics library, so every module can depend on it. */
class DependencyRulesTest {
  private final JavaClasses core = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.smskit.core");

  @Test
  void coreDependsOnNothingHeavierThanSlf4jAndLibphonenumber() {
    noClasses().that().resideInAPackage("org.smskit.core..")
        .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.jooq..", "okhttp3..",
            "com.fasterxml..", "org.flywaydb..", "org.postgresql..", "com.zaxxer..", "io.micrometer..")
        .check(core);
  }

  @Test
  void coreDoesNotDependOnTheOtherModules() {
    noClasses().that().resideInAPackage("org.smskit.core..")
        .should().dependOnClassesThat().resideInAnyPackage("org.smskit.jooq..", "org.smskit.twilio..",
            "org.smskit.vonage..", "org.smskit.examples..")
        .check(core);
  }
}
