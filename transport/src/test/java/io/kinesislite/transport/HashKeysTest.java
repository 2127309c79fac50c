package io.kinesislite.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HashKeysTest {

  @Test
  void hashesAbcToTheValuePublishedInKinesisAggregation() {
    // The hash key of "abc" in awslabs/kinesis-aggregation RecordAggregatorTest and AggRecordTest.
    assertThat(HashKeys.of("abc"))
        .isEqualTo(new BigInteger("191415658344158766168031473277922803570"));
  }

  /**
   * Expected values computed independently with Python 3: {@code
   * int.from_bytes(hashlib.md5(key.encode("utf-8")).digest(), "big")}.
   */
  @ParameterizedTest
  @CsvSource({
    "a, 16955237001963240173058271559858726497",
    "ünïcødé, 52140493028662414212752546179443769121",
    "日本語のキー, 37235779313708269078770638046592727225",
    "\uD83D\uDD11-emoji-key, 61138536544511058894147191253938720568",
  })
  void hashesTheUtf8BytesOfThePartitionKeyAsAnUnsignedBigEndianNumber(String key, String hash) {
    assertThat(HashKeys.of(key)).isEqualTo(new BigInteger(hash));
  }

  @Test
  void hashesPartitionKeysOfTheFullLength() {
    String ascii = "k".repeat(256);
    String emoji = "\uD83D\uDD11".repeat(128); // 256 UTF-16 chars, 512 UTF-8 bytes

    // Python 3 as above, with key = "k" * 256 and key = "\U0001F511" * 128.
    assertThat(HashKeys.of(HashKeys.checkPartitionKey(ascii)))
        .isEqualTo(new BigInteger("301629968840217465112527951012756180897"));
    assertThat(HashKeys.of(HashKeys.checkPartitionKey(emoji)))
        .isEqualTo(new BigInteger("258671953721338697526620683333996404949"));
  }

  @Test
  void hashKeysAreNeverNegative() {
    // MD5("abc") starts with 0x90: its top bit must not make the key negative.
    assertThat(HashKeys.of("abc").signum()).isPositive();
    assertThat(HashKeys.of("abc").bitLength()).isEqualTo(128);
  }

  @Test
  void effectiveKeyIsTheExplicitHashKeyWhenGiven() {
    assertThat(HashKeys.effective("abc", "5")).isEqualTo(BigInteger.valueOf(5));
    assertThat(HashKeys.effective("abc", null)).isEqualTo(HashKeys.of("abc"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "7", "007", "340282366920938463463374607431768211455"})
  void parsesExplicitHashKeysFromZeroToTheLargest(String key) {
    assertThat(HashKeys.parseExplicit(key)).isEqualTo(new BigInteger(key));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-1",
        "+1",
        "1e5",
        " 1",
        "1 ",
        "0x10",
        "١٢٣", // Arabic-Indic digits, which BigInteger would accept
        "340282366920938463463374607431768211456", // 2^128
        "1000000000000000000000000000000000000000", // 40 digits
        "0000000000000000000000000000000000000001", // 40 digits, small value
      })
  void rejectsExplicitHashKeysThatAreNotDecimalsInRange(String key) {
    assertThatThrownBy(() -> HashKeys.parseExplicit(key))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("explicitHashKey")
        .hasMessageContaining("340282366920938463463374607431768211455")
        .hasMessageContaining("'" + key + "'");
  }

  @Test
  void acceptsPartitionKeysOfOneTo256Characters() {
    assertThat(HashKeys.checkPartitionKey("k")).isEqualTo("k");
    assertThat(HashKeys.checkPartitionKey("k".repeat(256))).hasSize(256);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 257})
  void rejectsEmptyAndOverlongPartitionKeys(int length) {
    assertThatThrownBy(() -> HashKeys.checkPartitionKey("k".repeat(length)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("partitionKey")
        .hasMessageContaining("256")
        .hasMessageContaining("has " + length);
  }

  @Test
  void nullKeysAreNamed() {
    assertThatThrownBy(() -> HashKeys.of(null)).hasMessage("partitionKey == null");
    assertThatThrownBy(() -> HashKeys.parseExplicit(null)).hasMessage("explicitHashKey == null");
  }
}
