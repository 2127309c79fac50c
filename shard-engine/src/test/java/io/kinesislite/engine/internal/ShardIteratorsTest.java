package io.kinesislite.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.transport.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class ShardIteratorsTest {

  @Test
  void anIteratorCarriesItsPosition() {
    ShardIterators.Position p =
        new ShardIterators.Position("orders.v2_x-1", 123456789L, 7, 42L, 1_700_000_000_000L);
    assertThat(ShardIterators.decode(ShardIterators.encode(p))).isEqualTo(p);
  }

  @Test
  void garbageAndTamperingAreRejectedAsInvalidArguments() {
    String good =
        ShardIterators.encode(new ShardIterators.Position("s", 1, 0, 0, 1_700_000_000_000L));
    char[] chars = good.toCharArray();
    chars[10] = chars[10] == 'A' ? 'B' : 'A';
    for (String bad : new String[] {"", "not an iterator!", new String(chars), good + "AAAA"}) {
      assertThatThrownBy(() -> ShardIterators.decode(bad))
          .as(bad)
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("shardIterator");
    }
  }
}
