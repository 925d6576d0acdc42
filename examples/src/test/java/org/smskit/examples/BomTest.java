package org.smskit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * smskit-bom manages exactly the published modules, and nothing else: no parent (whose dependencyManagement would
 * pin the host's libraries) and no artifact of another group.
 */
class BomTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void theBomListsEveryPublishedModuleAndOnlyThem() throws IOException {
    Set<String> published = new TreeSet<>();
    Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (modules.find()) {
      String pom = Files.readString(ROOT.resolve(modules.group(1)).resolve("pom.xml"));
      if (!pom.contains("<packaging>pom</packaging>")
          && !pom.contains("<smskit.unpublished>true</smskit.unpublished>")) {
        published.add(artifactId(pom));
      }
    }
    String bom = Files.readString(ROOT.resolve("smskit-bom/pom.xml"));
    Set<String> managed = new TreeSet<>();
    Matcher dependencies = Pattern.compile("<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)"
        + "</artifactId>\\s*<version>([^<]+)</version>").matcher(bom);
    while (dependencies.find()) {
      assertThat(dependencies.group(1)).isEqualTo("org.smskit");
      assertThat(dependencies.group(3)).isEqualTo("${project.version}");
      managed.add(dependencies.group(2));
    }
    assertThat(published).contains("sms-core", "sms-jooq", "sms-provider-twilio", "sms-provider-vonage");
    assertThat(managed).isEqualTo(published);
    assertThat(bom).doesNotContain("<parent>");
    assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<module>smskit-bom</module>");
  }

  /** The project's own artifactId: the first one after the parent block. */
  private static String artifactId(String pom) {
    String own = pom.contains("</parent>") ? pom.substring(pom.indexOf("</parent>")) : pom;
    Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(own);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
