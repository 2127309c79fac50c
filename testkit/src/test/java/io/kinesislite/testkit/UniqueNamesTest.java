package io.kinesislite.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UniqueNamesTest {
  @Test
  void namesAreValidForKinesisAndDynamoDb() {
    String longest = "p".repeat(UniqueNames.MAX_PREFIX_LENGTH);

    for (String name : List.of(UniqueNames.stream("orders"), UniqueNames.table(longest))) {
      assertThat(name).matches("[a-zA-Z0-9_.-]{3,128}");
    }
  }

  @Test
  void namesStartWithThePrefix() {
    assertThat(UniqueNames.stream("orders.v2")).startsWith("orders.v2-");
    assertThat(UniqueNames.table("lease_table")).startsWith("lease_table-");
  }

  @Test
  void everyCallReturnsANewNameEvenFromManyThreads() {
    Set<String> names = ConcurrentHashMap.newKeySet();

    IntStream.range(0, 10_000).parallel().forEach(i -> names.add(UniqueNames.stream("s")));

    assertThat(names).hasSize(10_000);
  }

  @Test
  void invalidPrefixesAreRejected() {
    assertThatThrownBy(() -> UniqueNames.stream("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UniqueNames.stream("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'has space'");
    assertThatThrownBy(() -> UniqueNames.table("x".repeat(UniqueNames.MAX_PREFIX_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UniqueNames.table(null)).isInstanceOf(NullPointerException.class);
  }
}
