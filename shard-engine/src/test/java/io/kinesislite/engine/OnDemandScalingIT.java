package io.kinesislite.engine;

import static io.kinesislite.engine.ReshardingIT.byId;
import static io.kinesislite.engine.ReshardingIT.data;
import static io.kinesislite.engine.ReshardingIT.sortedByRange;
import static io.kinesislite.testkit.TransportAssertions.assertFailsWith;
import static io.kinesislite.testkit.TransportAssertions.await;
import static io.kinesislite.testkit.TransportAssertions.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.ManualClock;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.HashKeys;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StreamDescription;
import io.kinesislite.transport.StreamMode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An on-demand stream under sustained load on one partition key: with the Kinesis limits on, the
 * hot shard accepts its 1,000 records a second and throttles the rest, and the next maintenance run
 * splits it. A consumer following lineage still reads every accepted record exactly once.
 */
class OnDemandScalingIT {
  private static final String HOT_KEY = "hot-key";
  private static final int RECORD_BYTES = 100;
  private static final int ATTEMPTS_PER_SECOND = 1_500;

  /**
   * The default maintenance interval: the load lasts this long by the clock. The engine measures
   * demand over the clock time since its last run, so the test can run maintenance itself.
   */
  private static final Duration LOAD = EngineConfig.inMemory().maintenanceInterval();

  @TempDir Path directory;

  private final ManualClock clock = new ManualClock();
  private final KeyedRecords written = new KeyedRecords();
  private ShardEngine engine;
  private KinesisTransport kinesis;

  private String openOnDemandStream(EngineMode mode) {
    engine =
        ShardEngine.open(
            mode.configure(EngineConfig.builder(), directory)
                .clock(clock)
                .limitsEnabled(true)
                // The test runs maintenance when its clock says so; keep the real-time background
                // run, which would measure a partial interval, out of its way.
                .maintenanceInterval(Duration.ofHours(1))
                .build());
    kinesis = EmbeddedTransport.over(engine);
    String stream = UniqueNames.stream("on-demand");
    await(kinesis.createOnDemandStream(stream));
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
  void aHotShardIsSplitAfterAnIntervalOfThrottledLoad(EngineMode mode) {
    String stream = openOnDemandStream(mode);
    StreamDescription description = await(kinesis.describeStream(stream));
    assertThat(description.mode()).isEqualTo(StreamMode.ON_DEMAND);
    assertThat(description.openShardCount()).isEqualTo(4);
    List<Shard> initial = await(kinesis.listShards(stream, ShardFilter.atLatest()));
    assertThat(initial).hasSize(EngineConfig.inMemory().onDemandInitialShards());
    Shard hot = owner(initial, HashKeys.of(HOT_KEY));

    for (long second = 0; second < LOAD.toSeconds(); second++) {
      clock.advance(Duration.ofSeconds(1));
      int accepted = 0;
      for (int call = 0; call < ATTEMPTS_PER_SECOND / 500; call++) {
        List<PutRecordsEntryResult> results = putHotRecords(stream, 500);
        for (PutRecordsEntryResult result : results) {
          if (result instanceof PutResult put) {
            assertThat(put.shardId()).isEqualTo(hot.shardId());
            accepted++;
          } else {
            PutFailure failure = (PutFailure) result;
            assertThat(failure.errorCode()).isEqualTo("ProvisionedThroughputExceededException");
            assertThat(failure.isThrottled()).isTrue();
          }
        }
      }
      assertThat(accepted).as("records accepted in second %d", second).isEqualTo(1_000);
    }
    assertThat(await(kinesis.listShards(stream, ShardFilter.atLatest())))
        .as("no scaling before maintenance")
        .hasSize(4);

    engine.runMaintenance();

    List<Shard> open = sortedByRange(await(kinesis.listShards(stream, ShardFilter.atLatest())));
    assertThat(open).hasSize(5);
    assertThat(await(kinesis.describeStream(stream)).openShardCount()).isEqualTo(5);
    Map<String, Shard> all = byId(await(kinesis.listShards(stream, ShardFilter.all())));
    assertThat(all.get(hot.shardId()).isOpen()).as("the hot shard is closed").isFalse();
    List<Shard> children =
        sortedByRange(
            all.values().stream()
                .filter(s -> s.parentShardId().equals(Optional.of(hot.shardId())))
                .toList());
    assertThat(children).hasSize(2).allMatch(Shard::isOpen);
    assertThat(children).allMatch(c -> c.adjacentParentShardId().isEmpty());
    assertThat(children.get(0).hashKeyRange().start()).isEqualTo(hot.hashKeyRange().start());
    assertThat(children.get(1).hashKeyRange().end()).isEqualTo(hot.hashKeyRange().end());
    assertThat(children.get(1).hashKeyRange().start())
        .isEqualTo(children.get(0).hashKeyRange().end().add(BigInteger.ONE));
    for (Shard other : initial) {
      if (!other.shardId().equals(hot.shardId())) {
        assertThat(all.get(other.shardId()).isOpen()).as("cold %s stays", other.shardId()).isTrue();
      }
    }

    clock.advance(Duration.ofSeconds(1));
    Shard hotChild = owner(children, HashKeys.of(HOT_KEY));
    List<String> before = written.accepted();
    for (PutRecordsEntryResult result : putHotRecords(stream, 500)) {
      assertThat(result).isInstanceOf(PutResult.class);
      assertThat(((PutResult) result).shardId()).isEqualTo(hotChild.shardId());
    }
    List<String> after = written.accepted().subList(before.size(), written.accepted().size());

    LineageReader reader =
        LineageReader.readAll(kinesis, stream, () -> clock.advance(Duration.ofSeconds(1)));
    written.assertReadExactlyOnceInKeyOrder(reader.records());
    assertThat(written.accepted()).hasSize(10_500);
    LineageReader.ShardRead hotRead = reader.shard(hot.shardId());
    assertThat(hotRead.ended()).isTrue();
    assertThat(data(hotRead.records())).containsExactlyElementsOf(before);
    assertThat(hotRead.children())
        .extracting(ChildShard::shardId)
        .containsExactlyInAnyOrder(children.get(0).shardId(), children.get(1).shardId());
    assertThat(data(reader.shard(hotChild.shardId()).records())).containsExactlyElementsOf(after);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void updateShardCountIsRefusedOnAnOnDemandStream(EngineMode mode) {
    String stream = openOnDemandStream(mode);
    assertFailsWith(kinesis.updateShardCount(stream, 8), InvalidArgumentException.class);
    assertFailsWith(kinesis.updateShardCount(stream, 4), InvalidArgumentException.class);
    assertThat(await(kinesis.listShards(stream, ShardFilter.atLatest()))).hasSize(4);
  }

  private List<PutRecordsEntryResult> putHotRecords(String stream, int count) {
    List<PutEntry> call = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String label = written.next(HOT_KEY) + "|";
      byte[] data = bytes(label + "x".repeat(RECORD_BYTES - label.length()));
      call.add(PutEntry.of(HOT_KEY, data));
    }
    PutRecordsResult result = await(kinesis.putRecords(stream, call));
    written.record(call, result);
    return result.entries();
  }

  private static Shard owner(List<Shard> shards, BigInteger hashKey) {
    for (Shard shard : shards) {
      HashKeyRange range = shard.hashKeyRange();
      if (range.contains(hashKey)) {
        return shard;
      }
    }
    throw new AssertionError("no shard owns " + hashKey);
  }
}
