package io.kinesislite.agent.internal;

import static io.kinesislite.agent.internal.Fixtures.CTX;
import static io.kinesislite.agent.internal.Fixtures.READ_AT;
import static io.kinesislite.agent.internal.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.agent.KeySource;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KeyExtractorTest {
  private static final String TWO_TO_128 = BigInteger.ONE.shiftLeft(128).toString();

  private final Fixtures.RecordingListener listener = new Fixtures.RecordingListener();

  private KeyExtractor of(KeySource source) {
    return KeyExtractor.of(source, listener);
  }

  private String key(KeySource source, String processed) {
    return of(source).key(utf8("raw line\n"), utf8(processed), CTX);
  }

  private String hashKey(KeySource source, String processed) {
    return of(source).explicitHashKey(utf8("raw line\n"), utf8(processed), CTX);
  }

  @Test
  void randomKeysAreShortHexAndDiffer() {
    KeyExtractor random = of(new KeySource.Random());
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      String key = random.key(utf8("same"), utf8("same"), CTX);
      assertThat(key).matches("[0-9a-f]{1,16}");
      keys.add(key);
    }
    assertThat(keys).hasSizeGreaterThan(990);
    assertThat(listener.fallbacks).isEmpty();
  }

  @Test
  void lineHashIsTheLowercaseHexMd5OfTheRecordAsRead() {
    KeyExtractor hash = of(new KeySource.LineHash());
    // md5("hello\n"), as `echo hello | md5sum` prints it.
    assertThat(hash.key(utf8("hello\n"), utf8("{\"processed\":true}\n"), CTX))
        .isEqualTo("b1946ac92492d2347c6235b4d2611184");
    assertThat(hash.key(utf8("hello\n"), utf8("other"), CTX))
        .isEqualTo(hash.key(utf8("hello\n"), utf8("different"), CTX));
  }

  @Test
  void aJsonFieldByNameGivesItsValueAsText() {
    String record = "{\"nested\":{\"user\":\"no\"},\"user\":\"alice\",\"n\":42,\"ok\":true}\n";
    assertThat(key(new KeySource.JsonField("user"), record)).isEqualTo("alice");
    assertThat(key(new KeySource.JsonField("n"), record)).isEqualTo("42");
    assertThat(key(new KeySource.JsonField("ok"), record)).isEqualTo("true");
    assertThat(listener.fallbacks).isEmpty();
  }

  @Test
  void aJsonFieldStartingWithSlashIsAJsonPointer() {
    String record = "{\"req\":{\"user\":{\"id\":\"u-7\"}},\"items\":[\"first\",\"second\"]}";
    assertThat(key(new KeySource.JsonField("/req/user/id"), record)).isEqualTo("u-7");
    assertThat(key(new KeySource.JsonField("/items/1"), record)).isEqualTo("second");
    assertThat(listener.fallbacks).isEmpty();
  }

  @Test
  void aMissingNullOrNonScalarJsonFieldFallsBackToARandomKey() {
    String record = "{\"a\":null,\"o\":{\"x\":1},\"arr\":[1],\"empty\":\"\"}";
    for (String field : new String[] {"missing", "a", "o", "arr", "empty", "/o/y", "/arr/5"}) {
      assertThat(key(new KeySource.JsonField(field), record)).as(field).matches("[0-9a-f]+");
    }
    assertThat(listener.fallbacks).hasSize(7).containsOnly("jsonField");
  }

  @Test
  void aRecordThatIsNotJsonFallsBackToARandomKey() {
    assertThat(key(new KeySource.JsonField("user"), "plain text")).matches("[0-9a-f]+");
    assertThat(key(new KeySource.JsonField("/user"), "{\"user\":")).matches("[0-9a-f]+");
    assertThat(listener.fallbacks).containsExactly("jsonField", "jsonField");
  }

  @Test
  void aJsonFieldIsReadFromRecordsWithBytesThatAreNotUtf8() {
    byte[] record = {'{', '"', 'k', '"', ':', '"', 'v', (byte) 0xFF, '"', '}'};
    assertThat(of(new KeySource.JsonField("k")).key(record, record, CTX)).isEqualTo("v\uFFFD");
  }

  @Test
  void aRegexGroupIsTakenByNameOrByNumberFromTheFirstMatch() {
    Pattern p = Pattern.compile("user=(?<user>\\w+)");
    String record = "GET /x user=bob user=eve";
    assertThat(key(new KeySource.RegexGroup(p, "user"), record)).isEqualTo("bob");
    assertThat(key(new KeySource.RegexGroup(p, "1"), record)).isEqualTo("bob");
    assertThat(key(new KeySource.RegexGroup(p, "0"), record)).isEqualTo("user=bob");
    assertThat(listener.fallbacks).isEmpty();
  }

  @Test
  void aRegexThatDoesNotMatchOrAGroupThatTakesNoPartFallsBack() {
    Pattern p = Pattern.compile("id=(\\d+)|(x)");
    assertThat(key(new KeySource.RegexGroup(p, "1"), "no id here")).matches("[0-9a-f]+");
    assertThat(key(new KeySource.RegexGroup(p, "1"), "x")).matches("[0-9a-f]+");
    assertThat(listener.fallbacks).containsExactly("regexGroup", "regexGroup");
  }

  @Test
  void aRegexGroupThatIsNotInThePatternIsRejectedAtOnce() {
    Pattern p = Pattern.compile("(?<user>\\w+) (\\d+)");
    assertThatThrownBy(() -> of(new KeySource.RegexGroup(p, "host")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no group named host");
    assertThatThrownBy(() -> of(new KeySource.RegexGroup(p, "3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 groups");
  }

  @Test
  void filePathAndHostComeFromTheContext() {
    assertThat(key(new KeySource.FilePath(), "x")).isEqualTo("/var/log/app.log");
    assertThat(key(new KeySource.Host(), "x")).isEqualTo("web-1");
  }

  @Test
  void anEmptyHostFallsBackToARandomKey() {
    RecordContext noHost = new RecordContext("/f", 0, "", READ_AT);
    assertThat(of(new KeySource.Host()).key(utf8("x"), utf8("x"), noHost)).matches("[0-9a-f]+");
    assertThat(listener.fallbacks).containsExactly("host");
  }

  @Test
  void aKeyLongerThan256CharactersIsCutTo256() {
    String longValue = "k".repeat(300);
    assertThat(key(new KeySource.JsonField("k"), "{\"k\":\"" + longValue + "\"}"))
        .isEqualTo("k".repeat(256));
    assertThat(key(new KeySource.JsonField("k"), "{\"k\":\"" + "k".repeat(256) + "\"}"))
        .hasSize(256);
  }

  @Test
  void aCutDoesNotSplitASurrogatePair() {
    String value = "k".repeat(255) + "😀" + "tail";
    String key = key(new KeySource.JsonField("k"), "{\"k\":\"" + value + "\"}");
    assertThat(key).isEqualTo("k".repeat(255));
  }

  @Test
  void anExplicitHashKeyUpTo2To128Minus1IsAccepted() {
    String max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString();
    assertThat(hashKey(new KeySource.JsonField("h"), "{\"h\":\"" + max + "\"}")).isEqualTo(max);
    assertThat(hashKey(new KeySource.JsonField("h"), "{\"h\":0}")).isEqualTo("0");
    assertThat(hashKey(new KeySource.JsonField("h"), "{\"h\":\"99\"}")).isEqualTo("99");
    assertThat(listener.fallbacks).isEmpty();
  }

  @Test
  void anExplicitHashKeyOutsideTheRangeOrNotDecimalIsNullAndReported() {
    for (String bad :
        new String[] {TWO_TO_128, "-1", "abc", "007", "1e3", " 1", "9".repeat(40), ""}) {
      assertThat(hashKey(new KeySource.JsonField("h"), "{\"h\":\"" + bad + "\"}"))
          .as("[%s]", bad)
          .isNull();
    }
    assertThat(hashKey(new KeySource.JsonField("h"), "{}")).isNull();
    assertThat(listener.fallbacks).hasSize(9).containsOnly("explicitHashKey");
  }

  @Test
  void anExplicitHashKeyFromARegexGroupIsCheckedTheSameWay() {
    Pattern p = Pattern.compile("hk=(\\S+)");
    assertThat(hashKey(new KeySource.RegexGroup(p, "1"), "hk=12345 rest")).isEqualTo("12345");
    assertThat(hashKey(new KeySource.RegexGroup(p, "1"), "hk=12a45")).isNull();
    assertThat(listener.fallbacks).containsExactly("explicitHashKey");
  }

  @Test
  void aRandomExplicitHashKeyIsADecimalBelow2To128() {
    BigInteger limit = BigInteger.ONE.shiftLeft(128);
    for (int i = 0; i < 100; i++) {
      String key = hashKey(new KeySource.Random(), "x");
      assertThat(KeyExtractor.isHashKey(key)).isTrue();
      assertThat(new BigInteger(key)).isLessThan(limit);
    }
  }

  @Test
  void aLineHashExplicitHashKeyIsTheMd5AsADecimalNumber() {
    String key = of(new KeySource.LineHash()).explicitHashKey(utf8("hello\n"), utf8("x"), CTX);
    assertThat(key).isEqualTo(new BigInteger("b1946ac92492d2347c6235b4d2611184", 16).toString());
  }

  @Test
  void theHashKeyCheckComparesNumbersNotJustLengths() {
    assertThat(KeyExtractor.isHashKey("340282366920938463463374607431768211455")).isTrue();
    assertThat(KeyExtractor.isHashKey("340282366920938463463374607431768211456")).isFalse();
    assertThat(KeyExtractor.isHashKey("400000000000000000000000000000000000000")).isFalse();
    assertThat(KeyExtractor.isHashKey("99999999999999999999999999999999999999")).isTrue();
  }
}
