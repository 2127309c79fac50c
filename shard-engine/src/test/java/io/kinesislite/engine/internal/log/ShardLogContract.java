package io.kinesislite.engine.internal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ShardLog} does, whatever it stores records in. Subclasses say how to open a
 * log; every test waits for acknowledgements, so the contract holds under each sync policy.
 */
abstract class ShardLogContract {
  static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final Duration AGE = Duration.ofMinutes(1);

  final ManualClock clock = new ManualClock(START);
  private final List<ShardLog> opened = new ArrayList<>();

  /** Opens a fresh, empty log. */
  abstract ShardLog open(LogSettings settings);

  /** Opens a fresh log whose segments or chunks fill up after about 30 records of 100 bytes. */
  abstract ShardLog openWithSmallSegments(LogSettings settings);

  /** Returns the base offsets of the log's segments or chunks, oldest first. */
  abstract List<Long> segmentBases(ShardLog log);

  LogSettings settings() {
    return LogSettings.builder().clock(clock).segmentMaxAge(AGE).build();
  }

  ShardLog log() {
    return track(open(settings()));
  }

  ShardLog track(ShardLog log) {
    opened.add(log);
    return log;
  }

  @AfterEach
  void closeLogs() {
    opened.forEach(ShardLog::close);
  }

  /** Appends and waits for the acknowledgement; returns the first offset. */
  static long append(ShardLog log, List<NewRecord> records) {
    Appended a = log.append(records);
    a.acknowledged().orTimeout(30, TimeUnit.SECONDS).join();
    return a.firstOffset();
  }

  static long append(ShardLog log, NewRecord... records) {
    return append(log, List.of(records));
  }

  /** A record whose data names its number, {@code size} bytes long (at least 8). */
  static NewRecord record(long arrival, long n, int size) {
    byte[] data = new byte[size];
    byte[] tag = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tag, 0, data, 0, Math.min(tag.length, size));
    return new NewRecord(arrival, "pk" + (n % 7), null, data);
  }

  static List<NewRecord> records(long arrival, long firstN, int count, int size) {
    List<NewRecord> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(record(arrival, firstN + i, size));
    }
    return list;
  }

  static List<StoredRecord> readAll(ShardLog log, long from) {
    return log.read(from, Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  static List<Long> offsets(List<StoredRecord> records) {
    return records.stream().map(StoredRecord::offset).toList();
  }

  static void assertSame(StoredRecord stored, NewRecord written, long offset) {
    assertThat(stored.offset()).isEqualTo(offset);
    assertThat(stored.arrivalMillis()).isEqualTo(written.arrivalMillis());
    assertThat(stored.partitionKey()).isEqualTo(written.partitionKey());
    assertThat(stored.explicitHashKey()).isEqualTo(written.explicitHashKey());
    assertThat(stored.data()).isEqualTo(written.data());
  }

  @Test
  void startsEmpty() {
    ShardLog log = log();
    assertThat(log.firstOffset()).isZero();
    assertThat(log.nextOffset()).isZero();
    assertThat(log.readableEnd()).isZero();
    assertThat(log.lastArrivalMillis()).isEqualTo(-1);
    assertThat(log.read(0, 10, 1000)).isEmpty();
    assertThat(log.offsetAt(START)).isZero();
  }

  @Test
  void givesOffsetsFromZeroWithoutGaps() {
    ShardLog log = log();
    assertThat(append(log, records(START, 0, 3, 10))).isZero();
    assertThat(append(log, record(START, 3, 10))).isEqualTo(3);
    assertThat(append(log, records(START + 1, 4, 500, 10))).isEqualTo(4);
    assertThat(log.nextOffset()).isEqualTo(504);
    assertThat(log.readableEnd()).isEqualTo(504);
    assertThat(log.lastArrivalMillis()).isEqualTo(START + 1);
    List<StoredRecord> all = readAll(log, 0);
    assertThat(offsets(all)).containsExactlyElementsOf(range(0, 504));
    assertThat(new String(all.get(321).data(), StandardCharsets.US_ASCII)).startsWith("321");
  }

  @Test
  void emptyAppendChangesNothing() {
    ShardLog log = log();
    append(log, record(START, 0, 10));
    Appended a = log.append(List.of());
    assertThat(a.firstOffset()).isEqualTo(1);
    assertThat(a.acknowledged()).isCompleted();
    assertThat(log.nextOffset()).isEqualTo(1);
  }

  @Test
  void readsFromAnyOffsetUpToTheReadableEnd() {
    ShardLog log = openWithSmallSegments(settings());
    track(log);
    for (int i = 0; i < 10; i++) {
      append(log, records(START, i * 20L, 20, 100));
    }
    for (long from = 0; from <= 200; from += 7) {
      assertThat(offsets(readAll(log, from)))
          .as("from %d", from)
          .containsExactlyElementsOf(range(from, 200));
    }
    assertThat(log.read(199, 10, 1000)).hasSize(1);
    assertThat(log.read(200, 10, 1000)).isEmpty();
    assertThat(log.read(5_000, 10, 1000)).isEmpty();
    assertThat(offsets(log.read(-5, 3, 1000))).containsExactly(0L, 1L, 2L);
  }

  @Test
  void readBelowTheFirstOffsetStartsThere() {
    ShardLog log = openWithSmallSegments(settings());
    track(log);
    append(log, records(START, 0, 100, 100));
    clock.advance(AGE);
    append(log, records(clock.millis(), 100, 10, 100));
    long first = log.trimBefore(START + 1);
    assertThat(first).isPositive();
    assertThat(offsets(log.read(0, 5, 100_000))).containsExactlyElementsOf(range(first, first + 5));
  }

  @Test
  void readStopsAtMaxRecords() {
    ShardLog log = openWithSmallSegments(settings());
    track(log);
    append(log, records(START, 0, 300, 100));
    assertThat(offsets(log.read(10, 1, Long.MAX_VALUE))).containsExactly(10L);
    assertThat(offsets(log.read(10, 95, Long.MAX_VALUE))).containsExactlyElementsOf(range(10, 105));
    assertThat(log.read(0, 10_000, Long.MAX_VALUE)).hasSize(300);
  }

  @Test
  void readStopsAtMaxBytesButReturnsAtLeastOneRecord() {
    ShardLog log = openWithSmallSegments(settings());
    track(log);
    append(log, records(START, 0, 100, 100));
    append(log, record(START, 100, 5_000));
    assertThat(log.read(0, 10, 250)).hasSize(2);
    assertThat(log.read(0, 10, 300)).hasSize(3);
    assertThat(log.read(0, 10, 0)).hasSize(1);
    assertThat(log.read(0, 100, 2_950)).hasSize(29); // across segment boundaries too
    assertThat(offsets(log.read(100, 10, 10))).containsExactly(100L); // larger than the limit
    assertThat(offsets(log.read(99, 10, 1_000))).containsExactly(99L);
  }

  @Test
  void readRejectsNonsenseLimits() {
    ShardLog log = log();
    assertThatThrownBy(() -> log.read(0, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.read(0, 1, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void offsetAtFindsExactBetweenAndLaterTimes() {
    ShardLog log = log();
    append(log, record(START + 1000, 0, 10), record(START + 2000, 1, 10));
    append(log, record(START + 2000, 2, 10), record(START + 3000, 3, 10));
    assertThat(log.offsetAt(0)).isZero();
    assertThat(log.offsetAt(START + 1000)).isZero();
    assertThat(log.offsetAt(START + 1500)).isEqualTo(1);
    assertThat(log.offsetAt(START + 2000)).isEqualTo(1);
    assertThat(log.offsetAt(START + 2001)).isEqualTo(3);
    assertThat(log.offsetAt(START + 3000)).isEqualTo(3);
    assertThat(log.offsetAt(START + 3001)).isEqualTo(4);
  }

  @Test
  void offsetAtAgreesWithAScanAcrossManySegments() {
    ShardLog log = openWithSmallSegments(settings());
    track(log);
    Random random = new Random(42);
    List<Long> arrivals = new ArrayList<>();
    long t = START;
    for (int i = 0; i < 400; i++) {
      t += random.nextInt(3) == 0 ? random.nextInt(50) : 0; // runs of equal times
      arrivals.add(t);
      append(log, record(t, i, 1 + random.nextInt(300)));
    }
    for (int probe = 0; probe < 300; probe++) {
      long ts = START - 5 + random.nextInt((int) (t - START + 10));
      long expected = arrivals.size();
      for (int i = 0; i < arrivals.size(); i++) {
        if (arrivals.get(i) >= ts) {
          expected = i;
          break;
        }
      }
      assertThat(log.offsetAt(ts)).as("offsetAt(%d)", ts).isEqualTo(expected);
    }
  }

  @Test
  void rollsToANewSegmentWhenTheCurrentOneIsFull() {
    ShardLog log = openWithSmallSegments(settings());
    track(log);
    for (int i = 0; i < 100; i++) {
      append(log, records(START, i * 10L, 10, 100));
    }
    List<Long> bases = segmentBases(log);
    assertThat(bases).hasSizeGreaterThan(20).startsWith(0L).isSorted();
    for (int i = 1; i < bases.size(); i++) {
      assertThat(bases.get(i) - bases.get(i - 1)).isBetween(10L, 40L);
    }
    assertThat(offsets(readAll(log, 0))).containsExactlyElementsOf(range(0, 1000));
  }

  @Test
  void rollsToANewSegmentWhenItsFirstRecordGetsOld() {
    ShardLog log = log();
    append(log, record(START, 0, 10));
    clock.advance(Duration.ofSeconds(30));
    append(log, record(clock.millis(), 1, 10));
    clock.advance(Duration.ofSeconds(29));
    append(log, record(clock.millis(), 2, 10));
    assertThat(segmentBases(log)).containsExactly(0L);
    clock.advance(Duration.ofSeconds(1)); // the first record is now AGE old
    append(log, record(clock.millis(), 3, 10));
    assertThat(segmentBases(log)).containsExactly(0L, 3L);
  }

  @Test
  void trimDropsOnlyWhollyExpiredSegments() {
    ShardLog log = log();
    append(log, records(START, 0, 5, 10));
    clock.advance(AGE);
    append(log, records(clock.millis(), 5, 5, 10));
    long second = clock.millis();
    clock.advance(AGE);
    append(log, records(clock.millis(), 10, 5, 10));
    assertThat(segmentBases(log)).containsExactly(0L, 5L, 10L);

    assertThat(log.trimBefore(START)).isZero(); // nothing is older than the cutoff
    assertThat(log.trimBefore(second)).isEqualTo(5); // only the first is wholly older
    assertThat(log.firstOffset()).isEqualTo(5);
    assertThat(log.trimBefore(second)).isEqualTo(5);
    assertThat(offsets(readAll(log, 0))).containsExactlyElementsOf(range(5, 15));
    assertThat(log.offsetAt(START)).isEqualTo(5);
    assertThat(segmentBases(log)).containsExactly(5L, 10L);
  }

  @Test
  void trimOfEverythingKeepsTheOffsetsGoing() {
    ShardLog log = log();
    append(log, records(START, 0, 5, 10));
    clock.advance(AGE);
    append(log, records(clock.millis(), 5, 5, 10));
    long first = log.trimBefore(clock.millis() + 1);
    assertThat(first).isEqualTo(10);
    assertThat(log.firstOffset()).isEqualTo(10);
    assertThat(log.readableEnd()).isEqualTo(10);
    assertThat(log.nextOffset()).isEqualTo(10);
    assertThat(readAll(log, 0)).isEmpty();
    assertThat(log.offsetAt(0)).isEqualTo(10);
    assertThat(append(log, record(clock.millis(), 10, 10))).isEqualTo(10);
    assertThat(offsets(readAll(log, 0))).containsExactly(10L);
    assertThat(log.trimBefore(clock.millis())).isEqualTo(10);
  }

  @Test
  void keepsEmptyLargeUnicodeAndHashKeyedRecordsIntact() {
    ShardLog log = log();
    byte[] large = new byte[1024 * 1024];
    new Random(7).nextBytes(large);
    List<NewRecord> written =
        List.of(
            new NewRecord(START, "empty", null, new byte[0]),
            new NewRecord(START, "large", "0", large),
            new NewRecord(START, "ключ-🔑-鍵-ß", null, "ü".getBytes(StandardCharsets.UTF_8)),
            new NewRecord(
                START, "k".repeat(256), "340282366920938463463374607431768211455", new byte[] {1}),
            new NewRecord(START + 1, "", "12345", new byte[] {0, -1, 127, -128}));
    append(log, written);
    List<StoredRecord> read = readAll(log, 0);
    assertThat(read).hasSize(written.size());
    for (int i = 0; i < written.size(); i++) {
      assertSame(read.get(i), written.get(i), i);
    }
  }

  @Test
  void rejectsRecordsTheFormatCannotHold() {
    ShardLog log = log();
    append(log, record(START + 10, 0, 10));
    assertThatThrownBy(
            () -> log.append(List.of(new NewRecord(START + 10, "k", "12a", new byte[0]))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("explicitHashKey");
    assertThatThrownBy(() -> log.append(List.of(record(START + 9, 1, 10))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("arrivalMillis");
    assertThat(log.nextOffset()).isEqualTo(1);
  }

  @Test
  void aReaderRacingTheAppenderSeesEveryRecordOnceInOrder() throws Exception {
    ShardLog log = openWithSmallSegments(settings());
    track(log);
    int total = 5_000;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Long> seen = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                long next = 0;
                while (next < total && !Thread.currentThread().isInterrupted()) {
                  for (StoredRecord r : log.read(next, 97, 20_000)) {
                    String tag = new String(r.data(), 0, 8, StandardCharsets.US_ASCII);
                    if (!tag.startsWith(Long.toString(r.offset()))) {
                      throw new AssertionError("record " + r.offset() + " holds " + tag);
                    }
                    seen.add(r.offset());
                    next = r.offset() + 1;
                  }
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "contract-reader");
    reader.start();
    for (int i = 0; i < total; i += 50) {
      append(log, records(START, i, 50, 20 + i % 200));
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));
    reader.interrupt();
    assertThat(failure.get()).isNull();
    assertThat(seen).containsExactlyElementsOf(range(0, total));
  }

  @Test
  void refusesWorkOnceClosed() {
    ShardLog log = log();
    append(log, record(START, 0, 10));
    log.close();
    assertThatThrownBy(() -> log.append(List.of(record(START, 1, 10))))
        .isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> log.read(0, 1, 10)).isInstanceOf(StorageException.class);
    log.close(); // twice is fine
  }

  @Test
  void deleteThrowsAwayEverything() {
    ShardLog log = log();
    append(log, record(START, 0, 10));
    log.delete();
    assertThatThrownBy(() -> log.read(0, 1, 10)).isInstanceOf(StorageException.class);
  }

  static List<Long> range(long from, long to) {
    List<Long> list = new ArrayList<>();
    for (long i = from; i < to; i++) {
      list.add(i);
    }
    return list;
  }
}
