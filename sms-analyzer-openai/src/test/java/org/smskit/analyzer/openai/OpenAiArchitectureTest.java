package org.smskit.analyzer.openai;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Like a provider module: one HTTP client behind sms-core's SPI, on OkHttp, Jackson, SLF4J and the JDK only, that
 * shows hosts its factory and nothing else.
 */
class OpenAiArchitectureTest {
  private static final String PKG = "org.smskit.analyzer.openai";
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(PKG);

  @Test
  void dependsOnlyOnCoreOkHttpJacksonSlf4jAndTheJdk() {
    classes().that().resideInAPackage(PKG + "..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(PKG + "..", "org.smskit.core..", "okhttp3..",
            "com.fasterxml.jackson..", "org.slf4j..", "java..")
        .check(MAIN);
  }

  @Test
  void knowsNothingOfTheDataLayerOrTheProviders() {
    noClasses().that().resideInAPackage(PKG + "..")
        .should().dependOnClassesThat().resideInAnyPackage("org.smskit.jooq..", "java.sql..", "javax.sql..",
            "org.jooq..", "org.smskit.core.spi..", "org.smskit.twilio..", "org.smskit.vonage..")
        .check(MAIN);
  }

  @Test
  void theOnlyPublicTypeIsTheFactory() {
    assertThat(MAIN.stream().filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
        .map(c -> c.getSimpleName()).collect(Collectors.toSet())).containsExactly("OpenAiAnalyzerFactory");
  }
}
