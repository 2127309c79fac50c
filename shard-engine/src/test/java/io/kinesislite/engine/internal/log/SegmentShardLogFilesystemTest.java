package io.kinesislite.engine.internal.log;

import static io.kinesislite.engine.internal.log.ShardLogContract.START;
import static io.kinesislite.engine.internal.log.ShardLogContract.append;
import static io.kinesislite.engine.internal.log.ShardLogContract.assertSame;
import static io.kinesislite.engine.internal.log.ShardLogContract.readAll;
import static io.kinesislite.engine.internal.log.ShardLogContract.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.SyncPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
    Path mount = tempDir.resolve("tmpfs");
    Files.createDirectories(mount);
    String failure = run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString());
    if (failure != null) {
      Assumptions.abort("cannot mount a tmpfs (needs root or mount rights): " + failure);
    }
    try {
      fillThenRemountReadOnly(mount);
    } finally {
      if (run("umount", mount.toString()) != null) {
        run("umount", "-l", mount.toString());
      }
    }
  }

  private void fillThenRemountReadOnly(Path mount) throws Exception {
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

      String failure = run("mount", "-o", "remount,ro", mount.toString());
      assertThat(failure).as("remount read-only").isNull();
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
  private static String run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.toString();
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return String.join(" ", command) + " did not finish";
    }
    return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + output;
  }
}
