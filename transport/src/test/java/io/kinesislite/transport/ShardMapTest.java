package io.kinesislite.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardMapTest {
  private static final BigInteger MAX = HashKeyRange.MAX_HASH_KEY;
  private static final BigInteger QUARTER = BigInteger.ONE.shiftLeft(126);

  @Test
  void findsTheShardOfEachQuarterOfAnEvenlySplitStream() {
    ShardMap map = ShardMap.of(evenShards(4));

    assertThat(map.shardFor(BigInteger.ZERO)).map(Shard::shardId).hasValue("shardId-0");
    assertThat(map.shardFor(QUARTER)).map(Shard::shardId).hasValue("shardId-1");
    assertThat(map.shardFor(QUARTER.multiply(BigInteger.TWO).add(BigInteger.TEN)))
        .map(Shard::shardId)
        .hasValue("shardId-2");
    assertThat(map.shardFor(MAX)).map(Shard::shardId).hasValue("shardId-3");
  }

  @Test
  void bothEndsOfEveryRangeBelongToItsShard() {
    List<Shard> shards = evenShards(4);
    ShardMap map = ShardMap.of(shards);

    for (Shard shard : shards) {
      assertThat(map.shardFor(shard.hashKeyRange().start())).hasValue(shard);
      assertThat(map.shardFor(shard.hashKeyRange().end())).hasValue(shard);
    }
  }

  @Test
  void closedShardsAreIgnored() {
    Shard parent = shard("shardId-parent", BigInteger.ZERO, MAX, false);
    List<Shard> shards = new ArrayList<>(evenShards(2));
    shards.add(0, parent);

    ShardMap map = ShardMap.of(shards);

    assertThat(map.openShards())
        .extracting(Shard::shardId)
        .containsExactly("shardId-0", "shardId-1");
    assertThat(map.shardFor(BigInteger.ZERO)).map(Shard::shardId).hasValue("shardId-0");
  }

  @Test
  void openShardsAreSortedByRangeStart() {
    List<Shard> shards = new ArrayList<>(evenShards(8));
    Collections.shuffle(shards, new Random(3));

    assertThat(ShardMap.of(shards).openShards()).isEqualTo(evenShards(8));
  }

  @Test
  void aHashKeyInAGapHasNoShard() {
    ShardMap map =
        ShardMap.of(
            List.of(
                shard("low", BigInteger.ZERO, BigInteger.valueOf(99), true),
                shard("high", BigInteger.valueOf(200), MAX, true)));

    assertThat(map.shardFor(BigInteger.valueOf(99))).map(Shard::shardId).hasValue("low");
    assertThat(map.shardFor(BigInteger.valueOf(100))).isEmpty();
    assertThat(map.shardFor(BigInteger.valueOf(199))).isEmpty();
    assertThat(map.shardFor(BigInteger.valueOf(200))).map(Shard::shardId).hasValue("high");
  }

  @Test
  void aKeyBelowTheFirstShardHasNoShard() {
    ShardMap map = ShardMap.of(List.of(shard("only", BigInteger.TEN, MAX, true)));

    assertThat(map.shardFor(BigInteger.ZERO)).isEmpty();
    assertThat(ShardMap.of(List.of()).shardFor(BigInteger.ZERO)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 50, 100})
  void overlappingOpenShardsAreRejectedNamingBoth(long secondStart) {
    List<Shard> shards =
        List.of(
            shard("shardId-b", BigInteger.valueOf(secondStart), MAX, true),
            shard("shardId-a", BigInteger.ZERO, BigInteger.valueOf(100), true));

    assertThatThrownBy(() -> ShardMap.of(shards))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap")
        .hasMessageContaining("shardId-a")
        .hasMessageContaining("shardId-b");
  }

  @Test
  void routesRecordsByExplicitHashKeyOrElsePartitionKey() {
    ShardMap map = ShardMap.of(evenShards(4));

    // MD5("abc") = 0x9001..., in the third quarter.
    assertThat(map.shardFor("abc", null)).map(Shard::shardId).hasValue("shardId-2");
    assertThat(map.shardFor("abc", "0")).map(Shard::shardId).hasValue("shardId-0");
    assertThatThrownBy(() -> map.shardFor("abc", "-5"))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void hashKeysOutsideTheHashKeySpaceAreRejected() {
    ShardMap map = ShardMap.of(evenShards(4));

    assertThatThrownBy(() -> map.shardFor(BigInteger.valueOf(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> map.shardFor(MAX.add(BigInteger.ONE)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void agreesWithALinearScanOnRandomShardLayouts() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int layout = 0; layout < 50; layout++) {
      List<Shard> shards = randomLayout(random);
      ShardMap map = ShardMap.of(shards);
      for (int probe = 0; probe < 200; probe++) {
        BigInteger key = KplReference.randomHashKey(random);
        Optional<Shard> expected =
            shards.stream().filter(s -> s.hashKeyRange().contains(key)).findFirst();
        assertThat(map.shardFor(key)).as("seed %d, key %s", seed, key).isEqualTo(expected);
      }
    }
  }

  /** Returns 1 to 20 open shards with random boundaries, some with gaps between them. */
  private static List<Shard> randomLayout(Random random) {
    TreeSet<BigInteger> cuts = new TreeSet<>();
    for (int i = random.nextInt(40); i > 0; i--) {
      cuts.add(new BigInteger(128, random));
    }
    List<BigInteger> points = new ArrayList<>(cuts);
    points.add(0, BigInteger.ZERO);
    points.add(MAX.add(BigInteger.ONE));
    List<Shard> shards = new ArrayList<>();
    for (int i = 0; i + 1 < points.size(); i += 1 + random.nextInt(2)) {
      BigInteger end = points.get(i + 1).subtract(BigInteger.ONE);
      if (points.get(i).compareTo(end) <= 0) {
        shards.add(shard("shardId-" + i, points.get(i), end, true));
      }
    }
    return shards;
  }

  private static List<Shard> evenShards(int count) {
    BigInteger width = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(count));
    List<Shard> shards = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BigInteger start = width.multiply(BigInteger.valueOf(i));
      BigInteger end = i == count - 1 ? MAX : start.add(width).subtract(BigInteger.ONE);
      shards.add(shard("shardId-" + i, start, end, true));
    }
    return shards;
  }

  private static Shard shard(String id, BigInteger start, BigInteger end, boolean open) {
    return new Shard(
        id,
        Optional.empty(),
        Optional.empty(),
        new HashKeyRange(start, end),
        "0",
        open ? Optional.empty() : Optional.of("99"));
  }
}
