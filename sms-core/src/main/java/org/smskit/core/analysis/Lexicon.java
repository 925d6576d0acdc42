package org.smskit.core.analysis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.smskit.core.Nullable;

/**
 * The VADER sentiment lexicon: a mean valence from -4 to +4 for about 7,500 words, emoticons and acronyms. The file
 * is copied into sms-core at build time (see sms-core's pom.xml) and read once, on first use, from the classpath.
 */
final class Lexicon {
  static final String RESOURCE = "vader_lexicon.txt";

  private final Map<String, Double> valences;

  private Lexicon(Map<String, Double> valences) {
    this.valences = Map.copyOf(valences);
  }

  /** The shared lexicon, loaded on first call. */
  static Lexicon get() {
    return Holder.INSTANCE;
  }

  /** Initialisation-on-demand: the JVM makes the load lazy, once and thread-safe without a lock on each call. */
  private static final class Holder {
    static final Lexicon INSTANCE = load();
  }

  private static Lexicon load() {
    try (InputStream in = Lexicon.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        // The file is not in Git: it is unpacked by the Maven build. An IDE build that skipped generate-resources
        // lands here.
        throw new IllegalStateException("org/smskit/core/analysis/" + RESOURCE + " is missing from the classpath;"
            + " build sms-core with Maven (generate-resources copies it)");
      }
      return new Lexicon(parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the sentiment lexicon", e);
    }
  }

  /**
   * Lines are {@code token TAB mean TAB standard-deviation TAB [ten raw ratings]} with CRLF endings; only the token
   * and the mean are kept. A token listed twice keeps its last mean.
   */
  static Map<String, Double> parse(BufferedReader reader) throws IOException {
    Map<String, Double> valences = new HashMap<>(16_384);
    for (String line; (line = reader.readLine()) != null; ) {
      int tab = line.indexOf('\t');
      if (tab <= 0) {
        continue;
      }
      int end = line.indexOf('\t', tab + 1);
      String mean = (end < 0 ? line.substring(tab + 1) : line.substring(tab + 1, end)).trim();
      try {
        valences.put(line.substring(0, tab), Double.parseDouble(mean));
      } catch (NumberFormatException e) {
        // a malformed line is skipped rather than failing every analysis
      }
    }
    return valences;
  }

  /** The valence of {@code token}, looked up lower-cased, then as written (emoticons such as {@code :D}). */
  @Nullable Double valence(String token) {
    Double valence = valences.get(token.toLowerCase(Locale.ROOT));
    return valence != null ? valence : valences.get(token);
  }

  boolean contains(String token) {
    return valence(token) != null;
  }

  int size() {
    return valences.size();
  }
}
