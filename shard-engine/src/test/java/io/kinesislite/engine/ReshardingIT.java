package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.await;
import static io.kinesislite.testkit.TransportAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.HashKeys;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StreamRecord;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a consumer that follows lineage as KCL does sees across splits, merges and uniform
 * rescaling: every record exactly once, each partition key's records in write order, parents before
 * children.
 */
class ReshardingIT {
  private static final int KEYS = 150;

  @TempDir Path directory;

  private ShardEngine engine;
  private KinesisTransport kinesis;
  private final KeyedRecords written = new KeyedRecords();

  private String open(EngineMode mode, int shards) {
    engine =
        ShardEngine.open(
            mode.configure(EngineConfig.builder(), directory).limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    String stream = UniqueNames.stream("resharding");
    await(kinesis.createStream(stream, shards));
    return stream;
  }

  @AfterEach
  void close() {
    if (kinesis != null) {
      kinesis.close();
      engine.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void aSplitKeepsEarlierRecordsInTheParentAndLaterOnesInTheChildren(EngineMode mode) {
    String stream = open(mode, 1);
    List<String> keys = KeyedRecords.keys("split", KEYS);
    List<String> before = written.writeAll(kinesis, stream, keys, 3);
    Shard parent = only(await(kinesis.listShards(stream)));
    BigInteger middle = middleOf(parent.hashKeyRange());

    await(kinesis.splitShard(stream, parent.shardId(), middle));
    List<String> after = written.writeAll(kinesis, stream, keys, 3);

    LineageReader reader = LineageReader.readAll(kinesis, stream);
    written.assertReadExactlyOnceInKeyOrder(reader.records());

    LineageReader.ShardRead parentRead = reader.shard(parent.shardId());
    assertThat(parentRead.ended()).isTrue();
    assertThat(data(parentRead.records())).containsExactlyElementsOf(before);
    List<ChildShard> children = parentRead.children();
    assertThat(children).hasSize(2);
    assertThat(children)
        .allSatisfy(c -> assertThat(c.parentShards()).containsExactly(parent.shardId()));
    List<HashKeyRange> ranges =
        children.stream()
            .map(ChildShard::hashKeyRange)
            .sorted(Comparator.comparing(HashKeyRange::start))
            .toList();
    assertThat(ranges)
        .containsExactly(
            new HashKeyRange(parent.hashKeyRange().start(), middle.subtract(BigInteger.ONE)),
            new HashKeyRange(middle, parent.hashKeyRange().end()));

    List<String> inChildren = new ArrayList<>();
    for (ChildShard child : children) {
      LineageReader.ShardRead childRead = reader.shard(child.shardId());
      assertThat(reader.readOrder(child.shardId()))
          .isGreaterThan(reader.readOrder(parent.shardId()));
      assertThat(childRead.ended()).as("an open child is read until caught up").isFalse();
      for (StreamRecord r : childRead.records()) {
        assertThat(child.hashKeyRange().contains(HashKeys.of(r.partitionKey())))
            .as("%s routed to %s", r.partitionKey(), child.shardId())
            .isTrue();
      }
      inChildren.addAll(data(childRead.records()));
    }
    assertThat(inChildren).containsExactlyInAnyOrderElementsOf(after);

    Map<String, Shard> listed = byId(await(kinesis.listShards(stream)));
    assertThat(listed.get(parent.shardId()).isOpen()).isFalse();
    for (ChildShard child : children) {
      Shard shard = listed.get(child.shardId());
      assertThat(shard.isOpen()).isTrue();
      assertThat(shard.parentShardId()).contains(parent.shardId());
      assertThat(shard.adjacentParentShardId()).isEmpty();
      assertThat(shard.hashKeyRange()).isEqualTo(child.hashKeyRange());
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void aMergeHandsBothParentsToOneChildThatIsReadAfterBoth(EngineMode mode) {
    String stream = open(mode, 2);
    List<String> keys = KeyedRecords.keys("merge", KEYS);
    List<String> before = written.writeAll(kinesis, stream, keys, 3);
    List<Shard> parents = sortedByRange(await(kinesis.listShards(stream)));
    Shard lower = parents.get(0);
    Shard upper = parents.get(1);

    await(kinesis.mergeShards(stream, upper.shardId(), lower.shardId()));
    List<String> after = written.writeAll(kinesis, stream, keys, 3);

    LineageReader reader = LineageReader.readAll(kinesis, stream);
    written.assertReadExactlyOnceInKeyOrder(reader.records());

    List<Shard> open = await(kinesis.listShards(stream, ShardFilter.atLatest()));
    Shard child = only(open);
    assertThat(child.hashKeyRange()).isEqualTo(HashKeyRange.ALL);
    assertThat(
            List.of(
                child.parentShardId().orElseThrow(), child.adjacentParentShardId().orElseThrow()))
        .containsExactlyInAnyOrder(lower.shardId(), upper.shardId());

    List<String> inParents = new ArrayList<>();
    for (Shard parent : parents) {
      LineageReader.ShardRead read = reader.shard(parent.shardId());
      assertThat(read.ended()).isTrue();
      assertThat(read.children()).hasSize(1);
      ChildShard reported = read.children().get(0);
      assertThat(reported.shardId()).isEqualTo(child.shardId());
      assertThat(reported.parentShards())
          .containsExactlyInAnyOrder(lower.shardId(), upper.shardId());
      assertThat(reported.hashKeyRange()).isEqualTo(HashKeyRange.ALL);
      assertThat(reader.readOrder(child.shardId()))
          .isGreaterThan(reader.readOrder(parent.shardId()));
      inParents.addAll(data(read.records()));
    }
    assertThat(inParents).containsExactlyInAnyOrderElementsOf(before);
    assertThat(data(reader.shard(child.shardId()).records())).containsExactlyElementsOf(after);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void updateShardCountFromFourToSixToThreeGoesThroughEmptyIntermediateShards(EngineMode mode) {
    String stream = open(mode, 4);
    List<String> keys = KeyedRecords.keys("rescale", KEYS);
    Set<String> original = byId(await(kinesis.listShards(stream))).keySet();
    written.writeAll(kinesis, stream, keys, 2);

    Set<String> intermediate = new HashSet<>();
    Set<String> known = new HashSet<>(original);
    for (int target : new int[] {6, 3}) {
      await(kinesis.updateShardCount(stream, target));
      List<Shard> all = await(kinesis.listShards(stream, ShardFilter.all()));
      List<Shard> open = sortedByRange(await(kinesis.listShards(stream, ShardFilter.atLatest())));
      assertThat(open).as("open shards after updating to %d", target).hasSize(target);
      assertThat(await(kinesis.describeStream(stream)).openShardCount()).isEqualTo(target);
      assertTiles(open);
      for (Shard shard : all) {
        if (known.add(shard.shardId()) && !shard.isOpen()) {
          intermediate.add(shard.shardId()); // made and closed by this update
        }
      }
      written.writeAll(kinesis, stream, keys, 2);
    }
    assertThat(intermediate).as("intermediate shards").isNotEmpty();

    LineageReader reader = LineageReader.readAll(kinesis, stream);
    written.assertReadExactlyOnceInKeyOrder(reader.records());

    Map<String, Shard> listed = byId(await(kinesis.listShards(stream, ShardFilter.all())));
    for (Shard shard : listed.values()) {
      int parentCount =
          (shard.parentShardId().isPresent() ? 1 : 0)
              + (shard.adjacentParentShardId().isPresent() ? 1 : 0);
      if (original.contains(shard.shardId())) {
        assertThat(parentCount).as("parents of original %s", shard.shardId()).isZero();
      } else {
        assertThat(parentCount).as("parents of %s", shard.shardId()).isBetween(1, 2);
      }
    }
    for (LineageReader.ShardRead read : reader.shards().values()) {
      for (ChildShard child : read.children()) {
        assertThat(child.parentShards()).as("parents of %s", child.shardId()).hasSizeBetween(1, 2);
      }
    }
    for (String id : intermediate) {
      Shard shard = listed.get(id);
      assertThat(shard.isOpen()).as("%s is closed", id).isFalse();
      assertThat(shard.endingSequenceNumber()).contains(shard.startingSequenceNumber());
      LineageReader.ShardRead read = reader.shard(id);
      assertThat(read.records()).as("records in intermediate %s", id).isEmpty();
      assertThat(read.ended()).isTrue();
      assertThat(read.children()).isNotEmpty();
    }
    for (String id : original) {
      assertThat(reader.shard(id).records()).as("records in original %s", id).isNotEmpty();
    }
  }

  private static void assertTiles(List<Shard> sortedOpen) {
    assertThat(sortedOpen.get(0).hashKeyRange().start()).isEqualTo(HashKeyRange.MIN_HASH_KEY);
    assertThat(sortedOpen.get(sortedOpen.size() - 1).hashKeyRange().end())
        .isEqualTo(HashKeyRange.MAX_HASH_KEY);
    for (int i = 1; i < sortedOpen.size(); i++) {
      assertThat(sortedOpen.get(i).hashKeyRange().start())
          .isEqualTo(sortedOpen.get(i - 1).hashKeyRange().end().add(BigInteger.ONE));
    }
  }

  static BigInteger middleOf(HashKeyRange range) {
    return range.start().add(range.end()).add(BigInteger.ONE).shiftRight(1);
  }

  static Shard only(List<Shard> shards) {
    assertThat(shards).hasSize(1);
    return shards.get(0);
  }

  static List<Shard> sortedByRange(List<Shard> shards) {
    return shards.stream()
        .sorted(Comparator.comparing((Shard s) -> s.hashKeyRange().start()))
        .toList();
  }

  static Map<String, Shard> byId(List<Shard> shards) {
    return shards.stream().collect(Collectors.toMap(Shard::shardId, Function.identity()));
  }

  static List<String> data(List<StreamRecord> records) {
    return records.stream().map(r -> KeyedRecords.label(text(r))).toList();
  }
}
