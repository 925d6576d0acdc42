package org.smskit.core.analysis;

import static java.util.Map.entry;

import java.util.Map;
import java.util.Set;

/**
 * The lexicon analyzer's own word lists: SMS slang, emoji valences, VADER's modifier words (boosters, negations),
 * English stop words and a few function words of the languages it refuses. All lower case.
 */
final class Vocabulary {
  private Vocabulary() {}

  /** A set of words that may repeat (the lists are easier to read grouped than deduplicated by hand). */
  private static Set<String> words(String... words) {
    return Set.copyOf(java.util.Arrays.asList(words));
  }

  /** What a booster adds to (or a dampener takes from) the magnitude of the word it precedes. */
  static final double BOOST = 0.293;

  /** Words that make the next sentiment word stronger (+) or weaker (-). */
  static final Map<String, Double> BOOSTERS = Map.ofEntries(
      entry("absolutely", BOOST), entry("amazingly", BOOST), entry("awfully", BOOST), entry("completely", BOOST),
      entry("considerably", BOOST), entry("decidedly", BOOST), entry("deeply", BOOST), entry("enormously", BOOST),
      entry("entirely", BOOST), entry("especially", BOOST), entry("exceptionally", BOOST), entry("extremely", BOOST),
      entry("fully", BOOST), entry("greatly", BOOST), entry("highly", BOOST), entry("hugely", BOOST),
      entry("incredibly", BOOST), entry("intensely", BOOST), entry("majorly", BOOST), entry("more", BOOST),
      entry("most", BOOST), entry("particularly", BOOST), entry("purely", BOOST), entry("quite", BOOST),
      entry("really", BOOST), entry("remarkably", BOOST), entry("so", BOOST), entry("soo", BOOST),
      entry("sooo", BOOST), entry("substantially", BOOST), entry("super", BOOST), entry("thoroughly", BOOST),
      entry("totally", BOOST), entry("tremendously", BOOST), entry("unbelievably", BOOST),
      entry("unusually", BOOST), entry("utterly", BOOST), entry("very", BOOST), entry("real", BOOST),
      entry("almost", -BOOST), entry("barely", -BOOST), entry("bit", -BOOST), entry("hardly", -BOOST),
      entry("kinda", -BOOST), entry("less", -BOOST), entry("little", -BOOST), entry("marginally", -BOOST),
      entry("occasionally", -BOOST), entry("partly", -BOOST), entry("scarcely", -BOOST),
      entry("slightly", -BOOST), entry("somewhat", -BOOST), entry("sorta", -BOOST));

  /** Negations; any token ending in {@code n't} negates too. */
  static final Set<String> NEGATIONS = words("not", "no", "never", "none", "nope", "nor", "neither", "nothing",
      "nobody", "noone", "nowhere", "without", "cannot", "rarely", "seldom", "despite", "aint", "arent", "cant",
      "couldnt", "darent", "didnt", "doesnt", "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt",
      "neednt", "oughtnt", "shant", "shouldnt", "wasnt", "werent", "wont", "wouldnt");

  static boolean negates(String lower) {
    return NEGATIONS.contains(lower) || lower.endsWith("n't");
  }

  /**
   * SMS spellings and what they stand for, read before the lexicon. Acronyms VADER already rates (lol, wtf, smh,
   * lmao, ffs) are left alone; so are those it rates oddly for SMS: idk is "I don't know", not a mild negative.
   */
  static final Map<String, String> SLANG = Map.ofEntries(
      entry("thx", "thanks"), entry("thnx", "thanks"), entry("thanx", "thanks"), entry("thnks", "thanks"),
      entry("tx", "thanks"), entry("ty", "thank you"), entry("tyvm", "thank you very much"),
      entry("tysm", "thank you so much"), entry("gr8", "great"), entry("luv", "love"), entry("pls", "please"),
      entry("plz", "please"), entry("plse", "please"), entry("u", "you"), entry("ya", "you"), entry("ur", "your"),
      entry("r", "are"), entry("2day", "today"), entry("2moro", "tomorrow"), entry("2morrow", "tomorrow"),
      entry("tmrw", "tomorrow"), entry("tmr", "tomorrow"), entry("2nite", "tonight"), entry("tonite", "tonight"),
      entry("idk", "i don't know"), entry("asap", "as soon as possible"), entry("np", "no problem"),
      entry("btw", "by the way"), entry("b4", "before"), entry("msg", "message"), entry("txt", "text"),
      entry("appt", "appointment"), entry("k", "ok"), entry("kk", "ok"), entry("cuz", "because"),
      entry("coz", "because"), entry("bc", "because"), entry("wanna", "want to"), entry("gonna", "going to"),
      entry("im", "i'm"), entry("ppl", "people"), entry("nvm", "never mind"), entry("pkg", "package"),
      entry("w/", "with"), entry("abt", "about"), entry("thru", "through"), entry("wud", "would"),
      entry("cud", "could"), entry("shud", "should"), entry("gud", "good"), entry("gd", "good"),
      entry("awsome", "awesome"), entry("rly", "really"), entry("srsly", "seriously"), entry("hv", "have"),
      entry("dont", "don't"), entry("cant", "can't"), entry("wont", "won't"), entry("didnt", "didn't"),
      entry("isnt", "isn't"));

  /**
   * Valences that replace or complete VADER's for SMS between a customer and a business, on its -4..+4 scale.
   * VADER was rated on tweets: there "please", "yes", "ok" and "number" lean positive, but in a customer's SMS they
   * are requests and answers ("Please call me back", "Yes", "My order number is..."), and "support" or "pay" name
   * a department and a transaction. It also lacks the outcomes a customer reports: late, slow, crashing are
   * negative; arrived, fixed, working are the good news whose negation ("never arrived", "not working") is the
   * typical complaint.
   */
  static final Map<String, Double> SMS_VALENCES = Map.ofEntries(
      entry("please", 0.0), entry("yes", 0.0), entry("ok", 0.0), entry("okay", 0.0), entry("number", 0.0),
      entry("pay", 0.0), entry("support", 0.0), entry("holiday", 0.0), entry("holidays", 0.0),
      entry("omg", 0.0), entry("fml", -2.2), entry("late", -1.2), entry("slow", -1.2), entry("crashing", -1.5),
      entry("crashed", -1.5), entry("faulty", -1.8), entry("defective", -1.8), entry("overcharged", -2.0),
      entry("unanswered", -1.5), entry("arrived", 1.0), entry("received", 0.8), entry("delivered", 0.8),
      entry("fixed", 1.2), entry("resolved", 1.5), entry("working", 1.0), entry("works", 1.0),
      entry("answered", 0.8), entry("replied", 0.8), entry("refunded", 1.0));

  /**
   * Emoji valences on VADER's scale, smskit's own judgement of how each reads in a customer SMS. Keys are the base
   * code point: variation selectors and skin tones are dropped by the tokenizer.
   */
  static final Map<String, Double> EMOJI = Map.ofEntries(
      entry("😀", 2.2), entry("😃", 2.4), entry("😄", 2.5), entry("😁", 2.3), entry("😆", 2.2), entry("😂", 1.8),
      entry("🤣", 2.0), entry("😊", 2.4), entry("🙂", 1.5), entry("😉", 1.4), entry("😍", 3.0), entry("🥰", 3.0),
      entry("😘", 2.3), entry("😎", 1.6), entry("🤗", 2.1), entry("🤩", 2.8), entry("😇", 1.8), entry("☺", 2.0),
      entry("😋", 1.8), entry("👍", 1.9), entry("👏", 2.0), entry("🙏", 1.5), entry("💪", 1.5), entry("❤", 3.0),
      entry("💕", 2.8), entry("💖", 2.8), entry("💗", 2.8), entry("💙", 2.5), entry("💚", 2.5), entry("💜", 2.5),
      entry("🧡", 2.5), entry("💛", 2.5), entry("💯", 2.0), entry("🎉", 2.4), entry("🥳", 2.6), entry("🎊", 2.2),
      entry("✅", 1.2), entry("👌", 1.7), entry("⭐", 1.5), entry("🌟", 1.8), entry("✨", 1.4), entry("🔥", 1.2),
      entry("😡", -3.0), entry("😠", -2.6), entry("🤬", -3.2), entry("😞", -2.0), entry("😢", -2.1),
      entry("😭", -2.3), entry("😤", -2.0), entry("👎", -2.0), entry("💩", -2.3), entry("😒", -1.6),
      entry("🙄", -1.5), entry("😫", -2.0), entry("😩", -2.0), entry("☹", -2.0), entry("🙁", -1.6),
      entry("❌", -1.2), entry("😔", -1.8), entry("😟", -1.7), entry("😕", -1.2), entry("😖", -2.0),
      entry("😣", -1.8), entry("🤢", -2.3), entry("🤮", -2.6), entry("😱", -1.9), entry("😨", -1.9),
      entry("😰", -1.9), entry("😥", -1.6), entry("💔", -2.6), entry("😑", -0.8), entry("⚠", -0.6),
      // known but neutral: they count as read, not as sentiment
      entry("😐", 0.0), entry("🤔", 0.0), entry("📦", 0.0), entry("🚚", 0.0), entry("📅", 0.0), entry("⏰", 0.0),
      entry("📞", 0.0), entry("👋", 0.0), entry("🤷", 0.0));

  /**
   * English function words, pleasantries and fillers: they carry no topic, so key phrases are split at them (RAKE's
   * stop list), and they are English, so they count for the language check.
   */
  static final Set<String> STOP_WORDS = words("a", "about", "above", "after", "again", "against", "all", "am",
      "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
      "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
      "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in",
      "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now",
      "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should",
      "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
      "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
      "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "i'm", "i'll",
      "i've", "i'd", "it's", "that's", "you're", "we're", "they're", "there's", "what's", "let's", "don't", "can't",
      "won't", "didn't", "isn't", "wasn't", "doesn't", "haven't", "hasn't", "aren't", "couldn't", "wouldn't",
      "shouldn't", "weren't", "we'll", "you'll", "he's", "she's", "we've", "you've", "also", "still", "yet", "ever",
      "never", "always", "really", "quite", "get", "got", "getting", "go", "going", "went", "come", "came", "make",
      "made", "know", "see", "let", "want", "need", "like", "one", "anything", "something", "nothing", "everything",
      "anyone", "someone", "nobody", "everyone", "please", "thanks", "thank", "hi", "hello", "hey", "dear", "ok",
      "okay", "yes", "yeah", "yep", "sure", "lol", "omg", "haha", "oh", "well", "today", "tomorrow", "tonight",
      "yesterday", "soon", "asap", "possible", "way", "back", "there", "again", "much", "many", "lot", "us", "via",
      "already", "even", "without", "another", "cheers", "guys", "u", "s", "t", "m", "ll", "re", "ve", "d");

  /** Everyday words of business SMS that no sentiment list holds but that are plainly English. */
  static final Set<String> BUSINESS_WORDS = words("morning", "afternoon", "evening", "week", "weeks", "day", "days",
      "hour", "hours", "minute", "minutes", "min", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
      "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
      "november", "december", "order", "orders", "ordered", "delivery", "deliver", "delivered", "package", "parcel",
      "payment", "paid", "pay", "invoice", "refund", "appointment", "booking", "number", "address", "time", "call",
      "send", "sent", "ship", "ships", "shipped", "arrive", "arrived", "pick", "pickup", "store", "shop", "price",
      "card", "code", "name", "new", "next", "last", "first", "two", "three", "home", "status", "tracking",
      "account", "message", "phone", "email", "text", "reply", "confirm", "change", "reschedule", "driver", "item",
      "items", "size", "receipt", "bill", "fee", "cash", "bank", "transfer", "street", "pm", "am", "box", "boxes");

  /** What the language check counts as English, besides the lexicon. */
  static final Set<String> ENGLISH = union(STOP_WORDS, BUSINESS_WORDS);

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> union = new java.util.HashSet<>(a);
    union.addAll(b);
    return Set.copyOf(union);
  }

  /**
   * Frequent function words of languages the analyzer refuses, none of which is also an English word of {@link
   * #ENGLISH}: enough to name the language of a whole conversation, not of a word.
   */
  static final Map<String, Set<String>> FOREIGN = Map.of(
      "es", words("el", "la", "los", "las", "una", "es", "está", "estoy", "de", "del", "que", "y", "en", "por",
          "para", "con", "pero", "mi", "mis", "su", "tu", "muy", "gracias", "hola", "todavía", "nadie", "nada",
          "ya", "cuando", "donde", "dónde", "porque", "hoy", "mañana", "quiero", "puedo", "tengo", "hay", "sí",
          "pedido", "usted", "ustedes", "señor", "buenos", "días", "llegado", "ha", "este", "esta", "eso"),
      "fr", words("le", "la", "les", "une", "des", "est", "et", "je", "vous", "nous", "il", "elle", "pas", "ne",
          "pour", "avec", "mais", "mon", "ma", "mes", "votre", "merci", "bonjour", "très", "oui", "commande",
          "aujourd'hui", "demain", "c'est", "j'ai", "qui", "que", "du", "au", "sur", "dans", "toujours", "rien",
          "être", "suis", "ce", "cette", "livraison"),
      "de", words("der", "die", "das", "und", "ist", "nicht", "ich", "sie", "wir", "mit", "für", "auf", "ein",
          "eine", "einen", "mein", "meine", "bitte", "danke", "hallo", "noch", "schon", "aber", "auch", "wann",
          "heute", "morgen", "bestellung", "kein", "keine", "bin", "habe", "wurde", "sehr", "zu", "den", "dem",
          "ja", "nein", "wo", "wie", "warum", "mir", "nie", "immer", "geliefert", "paket", "termin"),
      "pt", words("os", "um", "uma", "é", "está", "não", "eu", "você", "meu", "minha", "obrigado", "obrigada",
          "olá", "oi", "hoje", "amanhã", "com", "para", "mas", "muito", "ainda", "também", "que", "do", "da", "dos",
          "das", "em", "na", "ao", "pedido", "ninguém", "nada", "chegou", "entrega", "quando", "onde", "porque"));
}
