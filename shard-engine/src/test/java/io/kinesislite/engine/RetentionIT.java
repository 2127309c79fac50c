package io.kinesislite.engine;

import static io.kinesislite.engine.ReshardingIT.byId;
import static io.kinesislite.engine.ReshardingIT.data;
import static io.kinesislite.engine.ReshardingIT.middleOf;
import static io.kinesislite.engine.ReshardingIT.only;
import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.ManualClock;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a consumer sees once records pass the stream's retention: they are gone from every starting
 * position, retention changes move the line, and closed shards whose records all expired leave the
 * stream. Time moves only on a manual clock; segments roll after one second so that retention can
 * drop whole segments, and the test runs maintenance itself.
 */
class RetentionIT {
  private static final List<String> KEYS = KeyedRecords.keys("retention", 40);

  @TempDir Path directory;

  private final ManualClock clock = new ManualClock(Instant.parse("2024-03-01T00:00:00Z"));
  private final KeyedRecords written = new KeyedRecords();
  private ShardEngine engine;
  private KinesisTransport kinesis;

  private String open(EngineMode mode, int shards) {
    engine =
        ShardEngine.open(
            mode.configure(EngineConfig.builder(), directory)
                .clock(clock)
                .limitsEnabled(false)
                .segmentMaxAge(Duration.ofSeconds(1))
                .build());
    kinesis = EmbeddedTransport.over(engine);
    String stream = UniqueNames.stream("retention");
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
  void readersStartAfterExpiredRecordsAndRetentionChangesMoveTheLine(EngineMode mode) {
    String stream = open(mode, 1);
    String shardId = only(await(kinesis.listShards(stream))).shardId();
    Instant beforeA = clock.instant().minusSeconds(1);
    List<String> a = written.writeAll(kinesis, stream, KEYS, 3);
    clock.advance(Duration.ofHours(1));
    List<String> b = written.writeAll(kinesis, stream, KEYS, 3);
    List<Path> segmentsBefore = segmentFiles(mode);

    clock.advance(Duration.ofHours(23).plusMinutes(1)); // A is 24 h 1 min old, B 23 h 1 min
    engine.runMaintenance();

    List<StreamRecord> fromTrimHorizon = readToEnd(stream, shardId, StartingPosition.trimHorizon());
    assertThat(data(fromTrimHorizon)).as("from the trim horizon").containsExactlyElementsOf(b);
    BigInteger lastOfB =
        new BigInteger(fromTrimHorizon.get(fromTrimHorizon.size() - 1).sequenceNumber());
    assertThat(data(readToEnd(stream, shardId, StartingPosition.atTimestamp(beforeA))))
        .as("from a time before A")
        .containsExactlyElementsOf(b);
    if (mode == EngineMode.DURABLE) {
      List<Path> segmentsAfter = segmentFiles(mode);
      assertThat(segmentsBefore).hasSizeGreaterThanOrEqualTo(2);
      assertThat(segmentsAfter)
          .as("A's segment is deleted, B's stays")
          .doesNotContain(segmentsBefore.get(0))
          .contains(segmentsBefore.get(segmentsBefore.size() - 1));
    }

    await(kinesis.increaseRetention(stream, Duration.ofHours(48)));
    assertThat(await(kinesis.describeStream(stream)).retention()).isEqualTo(Duration.ofHours(48));
    clock.advance(Duration.ofHours(1)); // B is 24 h 1 min old, within 48 h
    engine.runMaintenance();
    assertThat(data(readToEnd(stream, shardId, StartingPosition.trimHorizon())))
        .as("after increasing retention to 48 h")
        .containsExactlyElementsOf(b);

    await(kinesis.decreaseRetention(stream, Duration.ofHours(24)));
    engine.runMaintenance();
    assertThat(readToEnd(stream, shardId, StartingPosition.trimHorizon()))
        .as("after decreasing retention to 24 h")
        .isEmpty();
    assertThat(readToEnd(stream, shardId, StartingPosition.atTimestamp(beforeA))).isEmpty();
    if (mode == EngineMode.DURABLE) {
      assertThat(segmentFiles(mode)).doesNotContainAnyElementsOf(segmentsBefore);
    }

    List<String> c = written.writeAll(kinesis, stream, KEYS, 1);
    List<StreamRecord> afterAll = readToEnd(stream, shardId, StartingPosition.trimHorizon());
    assertThat(data(afterAll))
        .as("records written after everything expired")
        .containsExactlyElementsOf(c);
    assertThat(new BigInteger(afterAll.get(0).sequenceNumber()))
        .as("sequence numbers keep increasing past dropped records")
        .isGreaterThan(lastOfB);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void aClosedShardWhoseRecordsAllExpiredLeavesTheStreamWhileItsChildrenStay(EngineMode mode) {
    String stream = open(mode, 1);
    Shard parent = only(await(kinesis.listShards(stream)));
    written.writeAll(kinesis, stream, KEYS, 3);
    await(kinesis.splitShard(stream, parent.shardId(), middleOf(parent.hashKeyRange())));
    clock.advance(Duration.ofHours(1));
    List<String> b = written.writeAll(kinesis, stream, KEYS, 3);
    Map<String, Shard> before = byId(await(kinesis.listShards(stream, ShardFilter.all())));
    assertThat(before).hasSize(3);
    Path parentDir = mode == EngineMode.DURABLE ? shardDirectory(parent.shardId()) : null;

    clock.advance(Duration.ofMinutes(30));
    engine.runMaintenance();
    assertThat(byId(await(kinesis.listShards(stream, ShardFilter.all()))))
        .as("the parent stays while its records are within retention")
        .containsOnlyKeys(before.keySet());

    clock.advance(Duration.ofHours(22).plusMinutes(31)); // the parent's records: 24 h 1 min old
    engine.runMaintenance();

    Map<String, Shard> after = byId(await(kinesis.listShards(stream, ShardFilter.all())));
    assertThat(after).doesNotContainKey(parent.shardId()).hasSize(2);
    assertThat(after.values())
        .allSatisfy(
            child -> {
              assertThat(child.isOpen()).isTrue();
              assertThat(child.parentShardId()).contains(parent.shardId());
            });
    LineageReader reader = LineageReader.readAll(kinesis, stream);
    assertThat(reader.shards()).containsOnlyKeys(after.keySet());
    assertThat(data(reader.records())).containsExactlyInAnyOrderElementsOf(b);
    if (mode == EngineMode.DURABLE) {
      assertThat(parentDir).doesNotExist();
      for (String child : after.keySet()) {
        assertThat(shardDirectory(child)).isDirectory();
      }
    }
  }

  private List<StreamRecord> readToEnd(String stream, String shardId, StartingPosition position) {
    String iterator = await(kinesis.getShardIterator(stream, shardId, position));
    List<StreamRecord> records = new ArrayList<>();
    for (int call = 0; call < 100; call++) {
      GetRecordsResult result = await(kinesis.getRecords(iterator, 10_000));
      records.addAll(result.records());
      if (result.isShardEnd() || result.records().isEmpty()) {
        return records;
      }
      iterator = result.nextShardIterator().orElseThrow();
    }
    throw new AssertionError(shardId + " did not end within 100 reads");
  }

  /** The durable engine's segment files, oldest first. */
  private List<Path> segmentFiles(EngineMode mode) {
    if (mode != EngineMode.DURABLE) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The durable engine's directory for one shard: {@code streams/<stream>@<n>/shard-<ordinal>}. */
  private Path shardDirectory(String shardId) {
    String name = "shard-" + Integer.parseInt(shardId.substring("shardId-".length()));
    try (Stream<Path> dirs = Files.walk(directory)) {
      List<Path> found =
          dirs.filter(p -> Files.isDirectory(p) && p.getFileName().toString().equals(name))
              .toList();
      assertThat(found).as("directory of %s", shardId).hasSize(1);
      return found.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
