package io.kinesislite.engine.internal.log;

import static io.kinesislite.engine.internal.log.ShardLogContract.START;
import static io.kinesislite.engine.internal.log.ShardLogContract.append;
import static io.kinesislite.engine.internal.log.ShardLogContract.assertSame;
import static io.kinesislite.engine.internal.log.ShardLogContract.offsets;
import static io.kinesislite.engine.internal.log.ShardLogContract.range;
import static io.kinesislite.engine.internal.log.ShardLogContract.readAll;
import static io.kinesislite.engine.internal.log.ShardLogContract.record;
import static io.kinesislite.engine.internal.log.ShardLogContract.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.SyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the {@link ShardLogContract} against {@link SegmentShardLog} under each sync policy, plus
 * what only a durable log does across a clean close and reopen. Crashes and faults have their own
 * tests.
 */
class SegmentShardLogTest {
  @TempDir Path tempDir;
  Syncer syncer;
  private final List<ShardLog> opened = new ArrayList<>();

  @BeforeEach
  void startSyncer() {
    syncer = new Syncer(Duration.ofMillis(5));
  }

  @AfterEach
  void stopSyncer() {
    opened.forEach(ShardLog::close);
    syncer.close();
  }

  abstract class WithPolicy extends ShardLogContract {
    private int logs;

    abstract SyncPolicy policy();

    @Override
    LogSettings settings() {
      return super.settings().toBuilder()
          .syncPolicy(policy())
          .syncInterval(Duration.ofMillis(5))
          .build();
    }

    @Override
    ShardLog open(LogSettings settings) {
      return SegmentShardLog.open(tempDir.resolve("shard-" + logs++), settings, syncer);
    }

    @Override
    ShardLog openWithSmallSegments(LogSettings settings) {
      return open(settings.toBuilder().segmentBytes(4096).indexIntervalBytes(256).build());
    }

    @Override
    List<Long> segmentBases(ShardLog log) {
      return ((SegmentShardLog) log).segmentBaseOffsets();
    }
  }

  @Nested
  class WithAlwaysSync extends WithPolicy {
    @Override
    SyncPolicy policy() {
      return SyncPolicy.ALWAYS;
    }
  }

  @Nested
  class WithIntervalSync extends WithPolicy {
    @Override
    SyncPolicy policy() {
      return SyncPolicy.INTERVAL;
    }
  }

  @Nested
  class WithoutSync extends WithPolicy {
    @Override
    SyncPolicy policy() {
      return SyncPolicy.NEVER;
    }
  }

  LogSettings settings(SyncPolicy policy) {
    return LogSettings.builder()
        .syncPolicy(policy)
        .segmentBytes(4096)
        .indexIntervalBytes(256)
        .clock(new ManualClock(START))
        .build();
  }

  SegmentShardLog open(Path dir, LogSettings settings) {
    SegmentShardLog log = SegmentShardLog.open(dir, settings, syncer);
    opened.add(log);
    return log;
  }

  @ParameterizedTest
  @EnumSource(SyncPolicy.class)
  void reopeningKeepsEveryRecordAndContinuesTheOffsets(SyncPolicy policy) {
    Path dir = tempDir.resolve("shard");
    List<NewRecord> written = new ArrayList<>();
    SegmentShardLog log = open(dir, settings(policy));
    for (int i = 0; i < 50; i++) {
      List<NewRecord> batch = records(START + i, i * 7L, 7, i * 3);
      written.addAll(batch);
      append(log, batch);
    }
    List<Long> bases = log.segmentBaseOffsets();
    log.close();

    SegmentShardLog reopened = open(dir, settings(policy));
    assertThat(reopened.segmentBaseOffsets()).isEqualTo(bases);
    assertThat(reopened.firstOffset()).isZero();
    assertThat(reopened.nextOffset()).isEqualTo(350);
    assertThat(reopened.readableEnd()).isEqualTo(350);
    assertThat(reopened.lastArrivalMillis()).isEqualTo(START + 49);
    List<StoredRecord> read = readAll(reopened, 0);
    for (int i = 0; i < written.size(); i++) {
      assertSame(read.get(i), written.get(i), i);
    }
    assertThat(reopened.offsetAt(START + 20)).isEqualTo(140);
    assertThat(append(reopened, record(START + 50, 350, 10))).isEqualTo(350);
  }

  @Test
  void reopeningAfterEverythingExpiredContinuesAtTheSameOffset() {
    Path dir = tempDir.resolve("shard");
    SegmentShardLog log = open(dir, settings(SyncPolicy.INTERVAL));
    append(log, records(START, 0, 100, 100));
    assertThat(log.trimBefore(START + 1)).isEqualTo(100);
    log.close();

    SegmentShardLog reopened = open(dir, settings(SyncPolicy.INTERVAL));
    assertThat(reopened.firstOffset()).isEqualTo(100);
    assertThat(reopened.nextOffset()).isEqualTo(100);
    assertThat(reopened.segmentBaseOffsets()).containsExactly(100L);
    assertThat(append(reopened, record(START, 100, 10))).isEqualTo(100);
  }

  @Test
  void segmentFilesAreNamedByBaseOffsetAndStayWithinTheSegmentSize() throws IOException {
    Path dir = tempDir.resolve("shard");
    SegmentShardLog log = open(dir, settings(SyncPolicy.NEVER));
    for (int i = 0; i < 200; i++) {
      append(log, record(START, i, i % 150));
    }
    append(log, record(START, 200, 10_000)); // larger than a segment: gets one to itself
    append(log, record(START, 201, 1));
    List<Long> bases = log.segmentBaseOffsets();
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      List<String> expected = new ArrayList<>();
      for (long base : bases) {
        expected.add(String.format("%020d.idx", base));
        expected.add(String.format("%020d.seg", base));
      }
      assertThat(names).containsExactlyElementsOf(expected.stream().sorted().toList());
    }
    for (long base : bases) {
      long size = Files.size(dir.resolve(String.format("%020d.seg", base)));
      if (base != 200) {
        assertThat(size).as("segment %d", base).isLessThanOrEqualTo(4096);
      }
    }
    assertThat(bases).contains(200L, 201L);
  }

  @Test
  void deleteRemovesTheShardDirectory() {
    Path dir = tempDir.resolve("shard");
    SegmentShardLog log = open(dir, settings(SyncPolicy.INTERVAL));
    append(log, records(START, 0, 100, 100));
    log.delete();
    assertThat(dir).doesNotExist();
  }

  @Test
  void anInterruptedReaderDoesNotBreakTheLogForOthers() {
    Path dir = tempDir.resolve("shard");
    SegmentShardLog log = open(dir, settings(SyncPolicy.INTERVAL));
    append(log, records(START, 0, 100, 100));
    // The JDK closes a FileChannel when a thread blocked in it is interrupted.
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> log.read(0, 10, 100_000)).isInstanceOf(StorageException.class);
    } finally {
      assertThat(Thread.interrupted()).isTrue(); // the flag stays for the caller to see
    }
    assertThat(offsets(readAll(log, 0))).containsExactlyElementsOf(range(0, 100));
    assertThat(append(log, record(START, 100, 10))).isEqualTo(100);
  }

  @Test
  void anInterruptedAppenderLosesOnlyItsOwnAppend() {
    Path dir = tempDir.resolve("shard");
    SegmentShardLog log = open(dir, settings(SyncPolicy.INTERVAL));
    append(log, records(START, 0, 10, 100));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> log.append(records(START, 10, 10, 100)))
          .isInstanceOf(StorageException.class);
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(log.nextOffset()).isEqualTo(10);
    assertThat(append(log, records(START, 10, 5, 100))).isEqualTo(10);
    log.close();
    assertThat(offsets(readAll(open(dir, settings(SyncPolicy.INTERVAL)), 0)))
        .containsExactlyElementsOf(range(0, 15));
  }
}
