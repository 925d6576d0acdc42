package org.smskit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SmsProviders;

/**
 * Every Java block of the README compiles: each is kept, line for line, in a test source ({@link ReadmeSnippets},
 * {@link AcmeProvider}) that the build compiles; this test fails when the README and those sources drift apart.
 */
class ReadmeSnippetsTest {
  private static final Path README = Path.of("../README.md");
  private static final List<Path> SOURCES = List.of(
      Path.of("src/test/java/org/smskit/examples/ReadmeSnippets.java"),
      Path.of("src/test/java/org/smskit/examples/AcmeProvider.java"),
      Path.of("src/test/java/org/smskit/examples/QuickStart.java"));

  @Test
  void everyJavaBlockOfTheReadmeIsCompiledSource() throws IOException {
    List<String> source = new ArrayList<>();
    for (Path file : SOURCES) {
      Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).forEach(source::add);
    }
    Matcher blocks = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(README));
    int count = 0;
    while (blocks.find()) {
      count++;
      List<String> block = blocks.group(1).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
      assertThat(containsInOrder(source, block)).as("README block %d is compiled verbatim:%n%s", count,
          blocks.group(1)).isTrue();
    }
    assertThat(count).as("java blocks in the README").isGreaterThanOrEqualTo(3);
  }

  @Test
  void theReadmeTestKitSnippetRuns() {
    ReadmeSnippets.testKit(); // its assertion on what was sent and its signed webhook throw when they fail
  }

  @Test
  void theReadmePluginWorksWhenRegistered() {
    SmsProviders providers = SmsProviders.of(new AcmeProvider());
    var provider = providers.create("acme", ProviderConfig.of(null, null, "{}"));
    UUID id = UUID.randomUUID();
    var result = provider.send(OutboundMessage.sms(id, PhoneNumber.of("+14155550100"), PhoneNumber.of("+14155550101"),
        "hi"));
    assertThat(result.providerMessageId()).isEqualTo("acme-" + id);
  }

  private static boolean containsInOrder(List<String> source, List<String> block) {
    for (int start = 0; start + block.size() <= source.size(); start++) {
      if (source.subList(start, start + block.size()).equals(block)) {
        return true;
      }
    }
    return false;
  }
}
