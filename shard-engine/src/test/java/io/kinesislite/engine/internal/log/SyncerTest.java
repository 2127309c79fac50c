package io.kinesislite.engine.internal.log;

import static io.kinesislite.engine.internal.log.ShardLogContract.START;
import static io.kinesislite.engine.internal.log.ShardLogContract.offsets;
import static io.kinesislite.engine.internal.log.ShardLogContract.range;
import static io.kinesislite.engine.internal.log.ShardLogContract.readAll;
import static io.kinesislite.engine.internal.log.ShardLogContract.record;
import static io.kinesislite.engine.internal.log.ShardLogContract.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.SyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync thread: group commit under ALWAYS, paced syncs under INTERVAL, none under NEVER. */
class SyncerTest {
  @TempDir Path tempDir;
  final FaultyFiles files = new FaultyFiles();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    files.heal();
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  Syncer syncer(boolean start) {
    Syncer syncer = new Syncer(Duration.ofMillis(5), start);
    opened.add(syncer);
    return syncer;
  }

  SegmentShardLog open(String name, SyncPolicy policy, Syncer syncer) {
    LogSettings settings =
        LogSettings.builder().syncPolicy(policy).clock(new ManualClock(START)).build();
    SegmentShardLog log = SegmentShardLog.open(tempDir.resolve(name), settings, syncer, files);
    opened.add(0, log); // logs close before their syncer
    return log;
  }

  @Test
  void alwaysMakesRecordsReadableOnlyOnceTheirFsyncIsDone() throws Exception {
    Syncer syncer = syncer(true);
    SegmentShardLog log = open("shard", SyncPolicy.ALWAYS, syncer);
    CountDownLatch gate = new CountDownLatch(1);
    files.forceGate = gate; // the sync thread's next force waits for this

    Appended appended = log.append(records(START, 0, 3, 10));
    assertThat(appended.acknowledged()).isNotDone();
    assertThat(log.nextOffset()).isEqualTo(3);
    assertThat(log.readableEnd()).isZero();
    assertThat(log.lastArrivalMillis()).isEqualTo(-1);
    assertThat(log.read(0, 10, 1000)).isEmpty();
    assertThat(log.offsetAt(0)).isZero();

    gate.countDown();
    appended.acknowledged().get(30, TimeUnit.SECONDS);
    assertThat(files.forces.get()).isPositive();
    assertThat(log.readableEnd()).isEqualTo(3);
    assertThat(offsets(readAll(log, 0))).containsExactly(0L, 1L, 2L);
  }

  @Test
  void alwaysStepByStepOneRoundForcesEachSegmentOnce() {
    Syncer syncer = syncer(false);
    SegmentShardLog log = open("shard", SyncPolicy.ALWAYS, syncer);
    List<Appended> appends = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      appends.add(log.append(List.of(record(START, i, 10))));
    }
    assertThat(log.readableEnd()).isZero();
    syncer.runOnce();
    assertThat(syncer.forceCount()).isEqualTo(1);
    assertThat(appends).allSatisfy(a -> assertThat(a.acknowledged()).isCompleted());
    assertThat(log.readableEnd()).isEqualTo(5);
  }

  @Test
  void concurrentWritersUnderAlwaysShareFsyncs() throws Exception {
    Syncer syncer = syncer(true);
    SegmentShardLog log = open("shard", SyncPolicy.ALWAYS, syncer);
    files.forceNanos = TimeUnit.MILLISECONDS.toNanos(1); // a fast disk, not a RAM disk
    int threads = 8;
    int appendsEach = 40;
    Object shardLock = new Object(); // appends come one at a time, as the engine makes them
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(threads);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int t = 0; t < threads; t++) {
      int writer = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < appendsEach; i++) {
                    Appended a;
                    synchronized (shardLock) {
                      a = log.append(List.of(record(START, writer * 1000L + i, 50)));
                    }
                    a.acknowledged().get(30, TimeUnit.SECONDS); // wait outside the lock
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                } finally {
                  done.countDown();
                }
              },
              "writer-" + t);
      thread.start();
    }
    start.countDown();
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(failure.get()).isNull();

    int appends = threads * appendsEach;
    long forces = syncer.forceCount();
    System.out.printf("group commit: %d appends, %d fsyncs%n", appends, forces);
    assertThat(forces).isPositive().isLessThan(appends / 2);
    assertThat(offsets(readAll(log, 0))).containsExactlyElementsOf(range(0, appends));
  }

  @Test
  void intervalForcesDirtySegmentsOnTheSyncThread() throws Exception {
    CountDownLatch forced = new CountDownLatch(1);
    files.forced = forced;
    Syncer syncer = syncer(true);
    SegmentShardLog log = open("shard", SyncPolicy.INTERVAL, syncer);
    Appended appended = log.append(List.of(record(START, 0, 10)));
    assertThat(appended.acknowledged()).isCompleted(); // at once, before any force
    assertThat(log.readableEnd()).isEqualTo(1);
    assertThat(forced.await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void neverForcesNothing() {
    Syncer syncer = syncer(false);
    SegmentShardLog log = open("shard", SyncPolicy.NEVER, syncer);
    log.append(records(START, 0, 10, 10));
    syncer.runOnce();
    assertThat(syncer.forceCount()).isZero();
    assertThat(files.forces.get()).isZero();
  }

  @Test
  void oneRoundServesEveryLogOfTheEngine() {
    Syncer syncer = syncer(false);
    List<Appended> appends = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      SegmentShardLog log = open("shard-" + i, SyncPolicy.ALWAYS, syncer);
      appends.add(log.append(List.of(record(START, 0, 10))));
      appends.add(log.append(List.of(record(START, 1, 10))));
    }
    syncer.runOnce();
    assertThat(syncer.roundCount()).isEqualTo(1);
    assertThat(syncer.forceCount()).isEqualTo(4);
    assertThat(appends).allSatisfy(a -> assertThat(a.acknowledged()).isCompleted());
  }

  @Test
  void theSyncThreadIsANamedDaemonThatEndsOnClose() throws Exception {
    Syncer syncer = new Syncer(Duration.ofMillis(100));
    Thread thread = syncer.thread();
    assertThat(thread.getName()).isEqualTo("kinesis-lite-engine-sync");
    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.isAlive()).isTrue();
    syncer.close();
    thread.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(thread.isAlive()).isFalse();
    syncer.close(); // twice is fine
  }
}
