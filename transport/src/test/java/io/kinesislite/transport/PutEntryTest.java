package io.kinesislite.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PutEntryTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "ünïcødé", "日本語", "🙂 emoji", "lone \uD83D high", "lone \uDE00 low"})
  void countedSizeIsTheKeysUtf8BytesPlusTheData(String key) {
    PutEntry entry = PutEntry.of(key, new byte[7]);
    assertThat(entry.countedSize()).isEqualTo(key.getBytes(StandardCharsets.UTF_8).length + 7);
  }

  @Test
  void countedSizeMatchesTheJdkForRandomKeys() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int n = 0; n < 2_000; n++) {
      StringBuilder key = new StringBuilder();
      int length = 1 + random.nextInt(256);
      while (key.length() < length) {
        key.append((char) random.nextInt(Character.MAX_VALUE + 1));
      }
      String k = key.substring(0, length);
      assertThat(PutEntry.of(k, new byte[0]).countedSize())
          .as("seed %d key %s", seed, k)
          .isEqualTo(k.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void explicitHashKeysAreKeptInCanonicalForm() {
    assertThat(PutEntry.of("k", "007", new byte[0]).explicitHashKey()).contains("7");
  }
}
