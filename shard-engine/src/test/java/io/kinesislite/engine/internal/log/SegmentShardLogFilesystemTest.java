package io.kinesislite.engine.internal.log;

import static io.kinesislite.engine.internal.log.ShardLogContract.START;
import static io.kinesislite.engine.internal.log.ShardLogContract.append;
import static io.kinesislite.engine.internal.log.ShardLogContract.assertSame;
import static io.kinesislite.engine.internal.log.ShardLogContract.readAll;
import static io.kinesislite.engine.internal.log.ShardLogContract.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.SyncPolicy;
import io.kinesislite.testkit.Tmpfs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real filesystem faults on a small tmpfs: it fills up, then it is remounted read-only. Needs root
 * (or mount rights); elsewhere the test is skipped, visibly, with the reason.
 */
class SegmentShardLogFilesystemTest {
  @TempDir Path tempDir;

  @Test
  void aFullThenReadOnlyFilesystemFailsAppendsButKeepsEveryRecordReadable() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(tempDir.resolve("tmpfs"), "256k")) {
      fillThenRemountReadOnly(disk);
    }
  }

  private void fillThenRemountReadOnly(Tmpfs disk) throws Exception {
    Path mount = disk.path();
    Path shard = mount.resolve("shard");
    LogSettings settings =
        LogSettings.builder().syncPolicy(SyncPolicy.INTERVAL).clock(new ManualClock(START)).build();
    List<NewRecord> written = new ArrayList<>();
    try (Syncer syncer = new Syncer(Duration.ofMillis(5))) {
      try (SegmentShardLog log = SegmentShardLog.open(shard, settings, syncer)) {
        StorageException full = null;
        for (int i = 0; i < 1_000 && full == null; i++) {
          List<NewRecord> batch = records(START, written.size(), 4, 1_000);
          try {
            append(log, batch);
            written.addAll(batch);
          } catch (StorageException e) {
            full = e;
          }
        }
        assertThat(full).isNotNull();
        assertThat(full.getMessage()).contains("No space left on device", shard.toString());
        assertThat(written).hasSizeGreaterThan(200);
        assertThat(log.nextOffset()).isEqualTo(written.size());
        assertHolds(log, written);
      }

      try (SegmentShardLog reopened = SegmentShardLog.open(shard, settings, syncer)) {
        assertHolds(reopened, written); // nothing torn was left behind
      }

      disk.remountReadOnly();
      try (SegmentShardLog readOnly = SegmentShardLog.open(shard, settings, syncer)) {
        assertHolds(readOnly, written);
        assertThat(readOnly.offsetAt(START)).isZero();
        assertThatThrownBy(() -> readOnly.append(records(START, written.size(), 1, 10)))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("read-only")
            .hasMessageContaining(shard.toString());
        assertHolds(readOnly, written);
      }
    }
  }

  private static void assertHolds(ShardLog log, List<NewRecord> written) {
    List<StoredRecord> read = readAll(log, 0);
    assertThat(read).hasSize(written.size());
    for (int i = 0; i < written.size(); i++) {
      assertSame(read.get(i), written.get(i), i);
    }
  }

  /** Runs a command; returns null if it succeeded, else what it printed. */
}
