package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.engine.SyncPolicy;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.StartingPosition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The durable engine's disk faults, each on a data directory of its own: a disk that fills up and
 * is freed, a directory remounted read-only and then read-write, and a segment file damaged while
 * the engine is stopped (a flipped bit, or a cut inside a record). Each asserts the error text
 * docs/shard-engine.md gives, that every acknowledged record is readable, whole, after the fault
 * (except the records the campaign damaged itself, which must not be served), and that puts succeed
 * again once the fault clears.
 *
 * <p>Stateless and thread-safe; each call uses its own directory.
 */
final class EngineDiskFaults {
  private static final String STREAM = "disk-faults";
  private static final int RECORD_BYTES = 500;

  private EngineDiskFaults() {}

  private static EngineConfig config(Path dir, long segmentBytes) {
    return EngineConfig.builder()
        .directory(dir)
        .syncPolicy(SyncPolicy.ALWAYS)
        .limitsEnabled(false)
        .segmentBytes(segmentBytes)
        .build();
  }

  /** Fills the disk under a writing engine, then frees it. */
  static FaultOutcome fullDisk(Path mountPoint, Random random) throws Exception {
    try (SmallDisk disk = SmallDisk.mount(mountPoint, "2m")) {
      disk.fillLeaving(128 * 1024 + random.nextInt(384 * 1024));
      EngineConfig config = config(disk.path().resolve("engine"), 64 * 1024);
      StreamLedger ledger = new StreamLedger(STREAM, RECORD_BYTES);
      Duration recovery;
      String error;
      try (ShardEngine engine = ShardEngine.open(config);
          KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
        kinesis.createStream(STREAM, 2).get(30, TimeUnit.SECONDS);
        assertThat(ledger.putUntilRefused(kinesis, 10, 10_000)).as("the disk filled up").isTrue();
        error = ledger.lastError();
        assertThat(error)
            .as("a put to a full disk")
            .startsWith("InternalFailure")
            .contains("No space left on device")
            .contains(disk.path().toString());
        disk.free();
        recovery = ledger.putUntilAccepted(kinesis, Duration.ofSeconds(30), "a put once freed");
        assertThat(ledger.put(kinesis, 10)).as("puts after the disk was freed").isEqualTo(10);
        assertIntact(ledger, kinesis, "after the disk was freed");
      }
      try (ShardEngine engine = ShardEngine.open(config);
          KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
        assertIntact(ledger, kinesis, "after a restart");
      }
      return new FaultOutcome(
          "engine: disk full", ledger.acknowledgedCount(), 0, 0, 0, recovery, error);
    }
  }

  /** Stops the engine, remounts its directory read-only, opens it there, then read-write again. */
  static FaultOutcome readOnlyDirectory(Path mountPoint) throws Exception {
    try (SmallDisk disk = SmallDisk.mount(mountPoint, "2m")) {
      Path dir = disk.path().resolve("engine");
      EngineConfig config = config(dir, 64 * 1024);
      StreamLedger ledger = new StreamLedger(STREAM, RECORD_BYTES);
      try (ShardEngine engine = ShardEngine.open(config);
          KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
        kinesis.createStream(STREAM, 2).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
          assertThat(ledger.put(kinesis, 10)).isEqualTo(10);
        }
      }
      disk.readOnly();
      String error;
      try (ShardEngine engine = ShardEngine.open(config);
          KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
        assertIntact(ledger, kinesis, "on the read-only directory");
        assertThat(ledger.put(kinesis, 1)).as("a put to a read-only directory").isZero();
        error = ledger.lastError();
        assertThat(error)
            .startsWith("InternalFailure")
            .containsIgnoringCase("read-only")
            .contains(dir.toString());
      }
      long writable = System.nanoTime();
      disk.readWrite();
      try (ShardEngine engine = ShardEngine.open(config);
          KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
        ledger.putUntilAccepted(kinesis, Duration.ofSeconds(30), "a put once writable");
        Duration recovery = Duration.ofNanos(System.nanoTime() - writable);
        assertIntact(ledger, kinesis, "after the directory was writable again");
        return new FaultOutcome(
            "engine: read-only directory", ledger.acknowledgedCount(), 0, 0, 0, recovery, error);
      }
    }
  }

  /** The ways {@link #damagedSegment} damages a segment. */
  static final int SEGMENT_DAMAGES = 4;

  /**
   * Writes records into one shard over small segments, stops the engine, damages a segment ({@code
   * how}: 0 a bit in the last segment, 1 a cut inside a record of the last segment, 2 a bit in the
   * first quarter of a sealed segment, before its last index entry, where recovery does not look
   * and reads find it, 3 a bit in a sealed segment's last record, which recovery finds) and opens
   * the engine again.
   */
  static FaultOutcome damagedSegment(Path dir, Random random, int how) throws Exception {
    // Sealed segments of 16 KiB hold several sparse-index entries (one per 4 KiB), so a damaged
    // record may lie before the last entry, where recovery trusts the index and does not scan.
    EngineConfig config = config(dir, how >= 2 ? 16 * 1024 : 4096);
    StreamLedger ledger = new StreamLedger(STREAM, 100);
    try (ShardEngine engine = ShardEngine.open(config);
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      kinesis.createStream(STREAM, 1).get(30, TimeUnit.SECONDS);
      for (int i = 0; i < 40; i++) {
        assertThat(ledger.put(kinesis, 10)).isEqualTo(10);
      }
    }
    List<Path> segments = SegmentDamage.segments(shardDirectory(dir));
    assertThat(segments).as("segments to damage").hasSizeGreaterThan(2);
    Path last = segments.get(segments.size() - 1);
    SegmentDamage.Hit hit =
        switch (how) {
          case 0 -> SegmentDamage.flipBit(last, random);
          case 1 -> SegmentDamage.truncateInsideAFrame(last, random);
          case 2 ->
              SegmentDamage.flipBit(
                  segments.get(random.nextInt(segments.size() - 1)), random, 0, 0.25);
          default ->
              SegmentDamage.flipBit(
                  segments.get(random.nextInt(segments.size() - 1)), random, 0.999, 1);
        };
    List<String> acked = ledger.acknowledgedIds();
    List<String> destroyed = acked.subList((int) hit.recordOffset(), acked.size());
    long opening = System.nanoTime();
    try (StderrCapture log = new StderrCapture();
        ShardEngine engine = ShardEngine.open(config);
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      StreamLedger.Check check = ledger.check(kinesis);
      assertThat(check.damaged()).as("damaged records served (%s)", hit).isEmpty();
      assertThat(check.missing())
          .as("the records no longer readable after %s: those from the damaged one on", hit)
          .containsExactlyElementsOf(destroyed);
      String file = hit.segment().getFileName().toString();
      List<String> reported = new ArrayList<>(log.linesContaining(file));
      check.readErrors().stream().filter(e -> e.contains(file)).forEach(reported::add);
      assertThat(reported)
          .as(
              "a recovery warning or read error naming %s (%s); read errors: %s",
              file, hit, check.readErrors())
          .isNotEmpty();
      ledger.forget(destroyed);
      int before = ledger.acknowledgedCount();
      assertThat(ledger.put(kinesis, 10)).as("puts after the damage").isEqualTo(10);
      Duration recovery = Duration.ofNanos(System.nanoTime() - opening);
      String newest = ledger.acknowledgedIds().get(before);
      assertReadableAt(kinesis, ledger.sequenceOf(newest), newest);
      String kind =
          switch (how) {
            case 0 -> "engine: bit flipped in the last segment";
            case 1 -> "engine: last segment cut inside a record";
            case 2 -> "engine: bit flipped early in a sealed segment (found by reads)";
            default -> "engine: bit flipped in a sealed segment's last record (found at open)";
          };
      return new FaultOutcome(
          kind, acked.size() + 10, 0, 0, destroyed.size(), recovery, reported.get(0).strip());
    }
  }

  private static void assertReadableAt(KinesisTransport kinesis, String sequence, String id)
      throws Exception {
    String iterator =
        kinesis
            .getShardIterator(
                STREAM, "shardId-000000000000", StartingPosition.atSequenceNumber(sequence))
            .get(30, TimeUnit.SECONDS);
    GetRecordsResult page = kinesis.getRecords(iterator, 1).get(30, TimeUnit.SECONDS);
    assertThat(page.records()).as("the record put after the damage").hasSize(1);
    assertThat(page.records().get(0).dataBytes()).isEqualTo(StreamLedger.data(id, 100));
  }

  // DIR/streams/<stream>@<incarnation>/shard-<ordinal>, the stream's only shard.
  private static Path shardDirectory(Path dir) {
    Path stream = only(dir.resolve("streams"), STREAM + "@");
    return only(stream, "shard-");
  }

  private static Path only(Path dir, String prefix) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + prefix + "* in " + dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertIntact(StreamLedger ledger, KinesisTransport kinesis, String when) {
    StreamLedger.Check check = ledger.check(kinesis);
    assertThat(check.intact())
        .as("every acknowledged record readable %s: %s", when, check)
        .isTrue();
  }
}
