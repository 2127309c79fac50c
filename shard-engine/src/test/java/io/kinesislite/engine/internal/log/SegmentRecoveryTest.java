package io.kinesislite.engine.internal.log;

import static io.kinesislite.engine.internal.log.ShardLogContract.START;
import static io.kinesislite.engine.internal.log.ShardLogContract.append;
import static io.kinesislite.engine.internal.log.ShardLogContract.assertSame;
import static io.kinesislite.engine.internal.log.ShardLogContract.offsets;
import static io.kinesislite.engine.internal.log.ShardLogContract.range;
import static io.kinesislite.engine.internal.log.ShardLogContract.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.SyncPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery after a crash: torn and damaged records, damaged sealed segments, missing and garbled
 * index files. Each test writes a log cleanly, damages its files the way a crash or a bad disk
 * would, and reopens it.
 */
class SegmentRecoveryTest {
  @TempDir Path tempDir;
  private final Syncer syncer = new Syncer(Duration.ofMillis(5), false);
  private final List<ShardLog> opened = new ArrayList<>();

  /** One written record and where its frame lies. */
  record Frame(NewRecord record, long offset, Path file, long start, long end) {}

  @AfterEach
  void closeLogs() {
    opened.forEach(ShardLog::close);
    syncer.close();
  }

  static LogSettings settings() {
    return LogSettings.builder()
        .syncPolicy(SyncPolicy.NEVER)
        .segmentBytes(4096)
        .indexIntervalBytes(256)
        .clock(new ManualClock(START))
        .build();
  }

  SegmentShardLog open(Path dir) {
    SegmentShardLog log = SegmentShardLog.open(dir, settings(), syncer);
    opened.add(log);
    return log;
  }

  /** Writes {@code count} records one per append and closes the log. */
  List<Frame> write(Path dir, int count, Random random) throws IOException {
    return write(dir, count, 0, random);
  }

  /**
   * Writes at least {@code count} records one per append, and more until the last segment holds
   * {@code inLast} of them, and closes the log.
   */
  List<Frame> write(Path dir, int count, int inLast, Random random) throws IOException {
    SegmentShardLog log = SegmentShardLog.open(dir, settings(), syncer);
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < count || !lastSegmentHolds(frames, inLast); i++) {
      byte[] data = new byte[random.nextInt(400)];
      random.nextBytes(data);
      String hashKey =
          random.nextBoolean() ? null : Long.toString(random.nextLong() & Long.MAX_VALUE);
      NewRecord r = new NewRecord(START + i, "key-" + random.nextInt(1000), hashKey, data);
      List<Long> before = log.segmentBaseOffsets();
      Path file = segment(dir, before.get(before.size() - 1));
      long start = Files.size(file);
      append(log, r);
      List<Long> after = log.segmentBaseOffsets();
      if (!after.equals(before)) { // this append rolled
        file = segment(dir, after.get(after.size() - 1));
        start = RecordFrames.HEADER_BYTES;
      }
      frames.add(new Frame(r, i, file, start, Files.size(file)));
    }
    log.close();
    return frames;
  }

  static boolean lastSegmentHolds(List<Frame> frames, int n) {
    Path last = frames.get(frames.size() - 1).file();
    return frames.stream().filter(f -> f.file().equals(last)).count() >= n;
  }

  static Path segment(Path dir, long base) {
    return dir.resolve(String.format("%020d.seg", base));
  }

  void assertHolds(SegmentShardLog log, List<Frame> frames, int count) {
    assertThat(log.nextOffset()).isEqualTo(count);
    assertThat(log.readableEnd()).isEqualTo(count);
    List<StoredRecord> read = readAll(log, 0);
    assertThat(read).hasSize(count);
    for (int i = 0; i < count; i++) {
      assertSame(read.get(i), frames.get(i).record(), i);
    }
  }

  @Test
  void aTornLastRecordIsCutAndAppendsContinueAfterTheRecordBeforeIt() throws IOException {
    for (int seed = 0; seed < 12; seed++) {
      Random random = new Random(seed);
      Path dir = tempDir.resolve("torn-" + seed);
      List<Frame> frames = write(dir, 60, random);
      Frame last = frames.get(59);
      long cut = last.start() + 1 + random.nextInt((int) (last.end() - last.start() - 1));
      truncate(last.file(), cut);

      SegmentShardLog log = open(dir);
      assertHolds(log, frames, 59);
      assertThat(Files.size(last.file())).isEqualTo(last.start());
      assertThat(append(log, last.record())).isEqualTo(59);
      log.close();
      assertHolds(open(dir), frames, 60);
    }
  }

  @Test
  void aCutInsideAnEarlierRecordOfTheLastSegmentKeepsEverythingBeforeIt() throws IOException {
    Random random = new Random(3);
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 80, 4, random);
    Path lastFile = frames.get(frames.size() - 1).file();
    List<Frame> inLast = frames.stream().filter(f -> f.file().equals(lastFile)).toList();
    Frame victim = inLast.get(1);
    truncate(lastFile, victim.start() + (victim.end() - victim.start()) / 2);

    SegmentShardLog log = open(dir);
    assertHolds(log, frames, (int) victim.offset());
    assertThat(append(log, victim.record())).isEqualTo(victim.offset());
  }

  @Test
  void aFlippedByteInTheLastRecordCutsItAway() throws IOException {
    Random random = new Random(5);
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 40, random);
    Frame last = frames.get(39);
    // The length, the CRC, the offset, the arrival time, the key and the data.
    long[] positions = {0, 5, 9, 17, 27, last.end() - last.start() - 1};
    byte[] original = Files.readAllBytes(last.file());
    for (long at : positions) {
      Files.write(last.file(), original);
      flip(last.file(), last.start() + at);
      SegmentShardLog log = open(dir);
      assertHolds(log, frames, 39);
      log.close();
    }
  }

  @Test
  void aFlippedByteInTheMiddleOfTheLastSegmentCutsThere() throws IOException {
    Random random = new Random(6);
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 80, 4, random);
    Path lastFile = frames.get(frames.size() - 1).file();
    Frame victim = frames.stream().filter(f -> f.file().equals(lastFile)).toList().get(2);
    flip(lastFile, victim.end() - 1);

    assertHolds(open(dir), frames, (int) victim.offset());
    assertThat(Files.size(lastFile)).isEqualTo(victim.start());
  }

  @Test
  void recoveryLogsOneWarningNamingTheFileThePositionAndTheBytesDropped() throws IOException {
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 10, new Random(8));
    Frame last = frames.get(9);
    truncate(last.file(), last.end() - 3);
    String log = captureStderr(() -> open(dir));
    long dropped = last.end() - 3 - last.start();
    assertThat(log.lines().filter(l -> l.contains("WARN")))
        .singleElement()
        .asString()
        .contains(last.file().toString(), "position " + last.start(), dropped + " bytes");
  }

  @Test
  void deletedIndexFilesAreRebuiltAsTheyWere() throws IOException {
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 150, new Random(9));
    Map<Path, byte[]> indexes = indexFiles(dir);
    assertThat(indexes).hasSizeGreaterThan(3);
    for (Path p : indexes.keySet()) {
      Files.delete(p);
    }
    SegmentShardLog log = open(dir);
    assertHolds(log, frames, 150);
    assertReadsFromEveryOffsetAndTime(log, frames);
    log.close();
    assertIndexFilesEqual(dir, indexes);
  }

  @Test
  void garbledIndexFilesAreRebuiltAndNothingIsLost() throws IOException {
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 150, new Random(10));
    Map<Path, byte[]> indexes = indexFiles(dir);
    List<Path> files = new ArrayList<>(indexes.keySet());
    Random random = new Random(11);
    for (int i = 0; i < files.size(); i++) {
      Path p = files.get(i);
      byte[] b = indexes.get(p).clone();
      switch (i % 5) {
        case 0 -> b[random.nextInt(b.length)] ^= 0x40; // one flipped bit anywhere
        case 1 -> b = new byte[7]; // shorter than a header
        case 2 -> { // plausible but wrong: every position moved
          for (int e = RecordFrames.HEADER_BYTES; e + 28 <= b.length; e += 28) {
            b[e + 15]++;
          }
        }
        case 3 -> random.nextBytes(b); // noise
        default -> b = java.util.Arrays.copyOf(b, b.length + 11); // a torn extra entry
      }
      Files.write(p, b);
    }
    SegmentShardLog log = open(dir);
    assertHolds(log, frames, 150);
    assertReadsFromEveryOffsetAndTime(log, frames);
    log.close();
    assertIndexFilesEqual(dir, indexes);
  }

  @Test
  void aSealedSegmentCutShortIsCutAndTheSegmentsAfterItAreSetAside() throws IOException {
    // What a power loss can do under INTERVAL when a roll happened in the last interval.
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 150, new Random(12));
    List<Path> segments = frames.stream().map(Frame::file).distinct().toList();
    assertThat(segments).hasSizeGreaterThan(4);
    Path damaged = segments.get(1);
    List<Frame> inDamaged = frames.stream().filter(f -> f.file().equals(damaged)).toList();
    Frame victim = inDamaged.get(inDamaged.size() - 2);
    truncate(damaged, victim.start() + 5);

    SegmentShardLog log = open(dir);
    assertHolds(log, frames, (int) victim.offset());
    assertThat(log.segmentBaseOffsets()).hasSize(2);
    for (Path later : segments.subList(2, segments.size())) {
      assertThat(later).doesNotExist();
      assertThat(later.resolveSibling(later.getFileName() + ".damaged")).exists();
    }
    assertThat(append(log, victim.record())).isEqualTo(victim.offset());
    log.close();
    assertHolds(open(dir), frames, (int) victim.offset() + 1);
  }

  @Test
  void aSealedSegmentWithoutIndexIsScannedWholeAndCutAtItsFirstDamage() throws IOException {
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 150, new Random(15));
    List<Path> segments = frames.stream().map(Frame::file).distinct().toList();
    Path damaged = segments.get(1);
    Frame victim = frames.stream().filter(f -> f.file().equals(damaged)).toList().get(3);
    flip(damaged, victim.start() + 20);
    Files.delete(dir.resolve(damaged.getFileName().toString().replace(".seg", ".idx")));

    SegmentShardLog log = open(dir);
    assertHolds(log, frames, (int) victim.offset());
    assertThat(log.segmentBaseOffsets()).hasSize(2);
  }

  @Test
  void damageInsideASealedSegmentFailsTheReadsThatMeetIt() throws IOException {
    // Recovery trusts a sealed segment's sane index and checks only its tail; the CRC on every
    // read still catches damage before its last index entry.
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 150, new Random(16));
    Path sealed = frames.get(0).file();
    Frame victim = frames.get(2);
    assertThat(victim.file()).isEqualTo(sealed);
    flip(sealed, victim.end() - 1);

    SegmentShardLog log = open(dir);
    assertThat(log.nextOffset()).isEqualTo(150);
    assertThat(offsets(log.read(0, 2, Long.MAX_VALUE))).containsExactly(0L, 1L);
    // A read that meets the damage returns the records before it; the read starting at it fails.
    assertThat(offsets(log.read(0, 10, Long.MAX_VALUE))).containsExactly(0L, 1L);
    assertThatThrownBy(() -> log.read(2, 10, Long.MAX_VALUE))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(sealed.toString())
        .hasMessageContaining("position " + victim.start());
    assertThat(offsets(log.read(3, 2, Long.MAX_VALUE))).containsExactly(3L, 4L);
  }

  @Test
  void aLastSegmentWithATornHeaderStartsEmptyAtItsBaseOffset() throws IOException {
    Path dir = tempDir.resolve("shard");
    List<Frame> frames = write(dir, 100, new Random(13));
    Path lastFile = frames.get(99).file();
    long base =
        frames.stream().filter(f -> f.file().equals(lastFile)).findFirst().orElseThrow().offset();
    truncate(lastFile, 7);

    SegmentShardLog log = open(dir);
    assertHolds(log, frames, (int) base);
    assertThat(log.segmentBaseOffsets()).last().isEqualTo(base);
    assertThat(append(log, frames.get((int) base).record())).isEqualTo(base);
  }

  @Test
  void indexFilesWithoutASegmentAreRemoved() throws IOException {
    Path dir = tempDir.resolve("shard");
    write(dir, 10, new Random(14));
    Path stray = dir.resolve(String.format("%020d.idx", 12345));
    Files.write(stray, new byte[40]);
    open(dir);
    assertThat(stray).doesNotExist();
  }

  void assertReadsFromEveryOffsetAndTime(SegmentShardLog log, List<Frame> frames) {
    for (int from = 0; from < frames.size(); from += 3) {
      assertThat(offsets(log.read(from, 5, Long.MAX_VALUE)))
          .containsExactlyElementsOf(range(from, Math.min(from + 5, frames.size())));
      // arrival times are START + offset
      assertThat(log.offsetAt(START + from)).isEqualTo(from);
    }
  }

  static Map<Path, byte[]> indexFiles(Path dir) throws IOException {
    Map<Path, byte[]> result = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".idx")).toList()) {
        result.put(p, Files.readAllBytes(p));
      }
    }
    return result;
  }

  static void assertIndexFilesEqual(Path dir, Map<Path, byte[]> expected) throws IOException {
    Map<Path, byte[]> actual = indexFiles(dir);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (Path p : expected.keySet()) {
      assertThat(actual.get(p)).as("%s", p).isEqualTo(expected.get(p));
    }
  }

  static void truncate(Path file, long size) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate(size);
    }
  }

  static void flip(Path file, long position) throws IOException {
    try (FileChannel c =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      c.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
      c.write(b, position);
    }
  }

  static String captureStderr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }
}
