package io.kinesislite.engine.internal.log;

import static io.kinesislite.engine.internal.log.ShardLogContract.START;
import static io.kinesislite.engine.internal.log.ShardLogContract.append;
import static io.kinesislite.engine.internal.log.ShardLogContract.assertSame;
import static io.kinesislite.engine.internal.log.ShardLogContract.offsets;
import static io.kinesislite.engine.internal.log.ShardLogContract.range;
import static io.kinesislite.engine.internal.log.ShardLogContract.readAll;
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
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Injected storage faults: a disk that fills up mid-append, a truncate that fails, an fsync that
 * fails, a segment that cannot be created. The log must fail only the append concerned, stay
 * readable, leave no garbage behind and work again once the fault is gone.
 */
class SegmentShardLogFaultTest {
  @TempDir Path tempDir;
  final FaultyFiles files = new FaultyFiles();
  final Syncer syncer = new Syncer(Duration.ofMillis(5), false); // rounds run by hand
  private final List<ShardLog> opened = new ArrayList<>();

  @AfterEach
  void close() {
    files.heal();
    opened.forEach(ShardLog::close);
    syncer.close();
  }

  /** Returns why an append's acknowledgement failed; fails if it did not. */
  static Throwable failure(Appended appended) {
    assertThat(appended.acknowledged()).isCompletedExceptionally();
    try {
      appended.acknowledged().join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  SegmentShardLog open(SyncPolicy policy) {
    return open(policy, files);
  }

  SegmentShardLog open(SyncPolicy policy, SegmentFiles opener) {
    LogSettings settings =
        LogSettings.builder()
            .syncPolicy(policy)
            .segmentBytes(4096)
            .indexIntervalBytes(256)
            .clock(new ManualClock(START))
            .build();
    SegmentShardLog log = SegmentShardLog.open(tempDir.resolve("shard"), settings, syncer, opener);
    opened.add(log);
    return log;
  }

  Path activeSegment(SegmentShardLog log) {
    List<Long> bases = log.segmentBaseOffsets();
    return log.directory().resolve(String.format("%020d.seg", bases.get(bases.size() - 1)));
  }

  /** Closes {@code log} and checks, with a clean opener, that the directory holds exactly these. */
  void assertReopensWith(SegmentShardLog log, List<NewRecord> expected) {
    log.close();
    SegmentShardLog reopened = open(SyncPolicy.NEVER, SegmentFiles.DEFAULT);
    List<StoredRecord> read = readAll(reopened, 0);
    assertThat(read).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertSame(read.get(i), expected.get(i), i);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = SyncPolicy.class,
      names = {"INTERVAL", "NEVER"})
  void aDiskFillingUpMidAppendFailsItAndLeavesTheLogAsItWas(SyncPolicy policy) throws IOException {
    SegmentShardLog log = open(policy);
    List<NewRecord> kept = new ArrayList<>(records(START, 0, 20, 100));
    append(log, kept);
    Path segment = activeSegment(log);
    long size = Files.size(segment);

    files.writeBudget.set(150); // room for one record and a bit
    assertThatThrownBy(() -> log.append(records(START, 20, 10, 100)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(FaultyFiles.ENOSPC)
        .hasMessageContaining(segment.toString());
    assertThat(Files.size(segment)).isEqualTo(size);
    assertThat(log.nextOffset()).isEqualTo(20);
    assertThat(log.readableEnd()).isEqualTo(20);
    assertThat(offsets(readAll(log, 0))).containsExactlyElementsOf(range(0, 20));
    assertThatThrownBy(() -> log.append(records(START, 20, 1, 100)))
        .isInstanceOf(StorageException.class);

    files.heal();
    List<NewRecord> more = records(START, 20, 10, 100);
    assertThat(append(log, more)).isEqualTo(20);
    kept.addAll(more);
    assertReopensWith(log, kept);
  }

  @Test
  void whenCuttingBackFailsTooTheNextAppendCutsFirst() throws IOException {
    SegmentShardLog log = open(SyncPolicy.INTERVAL);
    List<NewRecord> kept = new ArrayList<>(records(START, 0, 10, 100));
    append(log, kept);
    Path segment = activeSegment(log);
    long size = Files.size(segment);

    files.writeBudget.set(150);
    files.failTruncate = true; // the disk went read-only as well
    assertThatThrownBy(() -> log.append(records(START, 10, 10, 100)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(FaultyFiles.ENOSPC);
    assertThat(Files.size(segment)).isGreaterThan(size); // the torn part is still there
    assertThat(offsets(readAll(log, 0))).containsExactlyElementsOf(range(0, 10));

    files.heal();
    List<NewRecord> small = records(START, 10, 3, 5);
    assertThat(append(log, small)).isEqualTo(10);
    kept.addAll(small);
    assertReopensWith(log, kept);
  }

  @Test
  void aFailedFsyncUnderAlwaysFailsTheWaitingAppendsAndTheyNeverBecomeReadable()
      throws IOException {
    SegmentShardLog log = open(SyncPolicy.ALWAYS);
    List<NewRecord> kept = new ArrayList<>(records(START, 0, 5, 100));
    Appended first = log.append(kept);
    syncer.runOnce();
    assertThat(first.acknowledged()).isCompleted();
    long size = Files.size(activeSegment(log));

    files.forceFailure = new IOException("Input/output error");
    Appended a = log.append(records(START, 5, 5, 100));
    Appended b = log.append(records(START, 10, 3, 100));
    assertThat(a.acknowledged()).isNotDone();
    assertThat(log.readableEnd()).isEqualTo(5);
    assertThat(log.nextOffset()).isEqualTo(13);
    syncer.runOnce();

    for (Appended failed : List.of(a, b)) {
      assertThatThrownBy(failed.acknowledged()::join)
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(StorageException.class);
    }
    assertThat(failure(a)).hasMessageContaining("Input/output error");
    assertThat(log.readableEnd()).isEqualTo(5);
    assertThat(log.nextOffset()).isEqualTo(5);
    assertThat(Files.size(activeSegment(log))).isEqualTo(size);
    assertThat(offsets(readAll(log, 0))).containsExactlyElementsOf(range(0, 5));

    files.heal();
    List<NewRecord> more = records(START, 5, 2, 100);
    Appended c = log.append(more);
    assertThat(c.firstOffset()).isEqualTo(5);
    syncer.runOnce();
    assertThat(c.acknowledged()).isCompleted();
    kept.addAll(more);
    assertReopensWith(log, kept);
  }

  @Test
  void aFailedFsyncAfterARollAlsoRemovesTheNewSegment() throws IOException {
    SegmentShardLog log = open(SyncPolicy.ALWAYS);
    List<NewRecord> kept = new ArrayList<>(records(START, 0, 25, 100));
    log.append(kept);
    syncer.runOnce();
    files.forceFailure = new IOException("Input/output error");
    Appended before = log.append(records(START, 25, 3, 100)); // still fits
    Appended rolled = log.append(records(START, 28, 10, 100)); // starts a segment
    assertThat(log.segmentBaseOffsets()).containsExactly(0L, 28L);
    syncer.runOnce();

    assertThat(before.acknowledged()).isCompletedExceptionally();
    assertThat(rolled.acknowledged()).isCompletedExceptionally();
    assertThat(log.segmentBaseOffsets()).containsExactly(0L);
    assertThat(tempDir.resolve("shard").resolve(String.format("%020d.seg", 28))).doesNotExist();
    assertThat(log.nextOffset()).isEqualTo(25);

    files.heal();
    List<NewRecord> more = records(START, 25, 20, 100);
    log.append(more);
    syncer.runOnce();
    kept.addAll(more);
    assertReopensWith(log, kept);
  }

  @Test
  void aSegmentThatCannotBeCreatedFailsOnlyTheAppendThatNeededIt() {
    SegmentShardLog log = open(SyncPolicy.INTERVAL);
    List<NewRecord> kept = new ArrayList<>(records(START, 0, 30, 100));
    append(log, kept);
    files.failCreate = true;
    assertThatThrownBy(() -> log.append(records(START, 30, 10, 100)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(FaultyFiles.ENOSPC);
    assertThat(log.nextOffset()).isEqualTo(30);
    assertThat(log.segmentBaseOffsets()).containsExactly(0L);

    files.heal();
    List<NewRecord> more = records(START, 30, 10, 100);
    assertThat(append(log, more)).isEqualTo(30);
    assertThat(log.segmentBaseOffsets()).containsExactly(0L, 30L);
    kept.addAll(more);
    assertReopensWith(log, kept);
  }

  @Test
  void indexFilesThatCannotBeWrittenCostNothingButARebuild() {
    SegmentShardLog log = open(SyncPolicy.INTERVAL);
    files.failIndexWrites = true;
    List<NewRecord> kept = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      List<NewRecord> batch = records(START + i, i * 10L, 10, 100);
      append(log, batch);
      kept.addAll(batch);
    }
    assertThat(log.offsetAt(START + 13)).isEqualTo(130);
    assertThat(offsets(log.read(155, 3, Long.MAX_VALUE))).containsExactly(155L, 156L, 157L);
    files.heal();
    assertReopensWith(log, kept);
  }

  @Test
  void closingTheLogFailsAppendsWaitingForTheirFsyncAndDropsThem() {
    SegmentShardLog log = open(SyncPolicy.ALWAYS);
    List<NewRecord> kept = records(START, 0, 3, 100);
    log.append(kept);
    syncer.runOnce();
    Appended waiting = log.append(records(START, 3, 2, 100));
    log.close();
    assertThat(waiting.acknowledged()).isCompletedExceptionally();
    assertThat(failure(waiting)).isInstanceOf(StorageException.class);
    assertReopensWith(log, kept);
  }

  @Test
  void closingTheSyncerFailsAppendsWaitingForIt() {
    SegmentShardLog log = open(SyncPolicy.ALWAYS);
    Appended waiting = log.append(records(START, 0, 2, 100));
    syncer.close();
    assertThat(failure(waiting)).isInstanceOf(StorageException.class);
    assertThat(log.readableEnd()).isZero();
    assertThat(log.nextOffset()).isZero();
    Appended late = log.append(records(START, 0, 1, 100));
    assertThat(failure(late)).isInstanceOf(StorageException.class);
    assertThat(log.nextOffset()).isZero();
    assertReopensWith(log, List.of());
  }
}
