package io.kinesislite.kcl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.Shard;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workers against the in-memory engine and lease store: what the processors see. */
class WorkerTest {
  private ShardEngine engine;
  private KinesisTransport kinesis;
  private EmbeddedLeaseStore leases;
  private final List<Worker> workers = new ArrayList<>();
  private final Journal journal = new Journal();

  @BeforeEach
  void open() {
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    leases = EmbeddedLeaseStore.inMemory();
  }

  @AfterEach
  void close() {
    workers.forEach(Worker::close);
    leases.close();
    kinesis.close();
    engine.close();
    // An executor reports termination a moment before its thread has fully exited.
    eventually(
        "every worker thread stopped",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("kinesis-lite-worker")));
  }

  /** Everything every processor saw, in one order. */
  static final class Journal {
    final AtomicLong clock = new AtomicLong();
    final Map<String, List<String>> valuesByKey = new ConcurrentHashMap<>();
    final Map<String, Long> firstRecordAt = new ConcurrentHashMap<>(); // by shard
    final Map<String, Long> endedAt = new ConcurrentHashMap<>(); // by shard
    final AtomicInteger records = new AtomicInteger();
    final List<String> events = new CopyOnWriteArrayList<>();

    void record(String shard, ConsumerRecord r) {
      long at = clock.incrementAndGet();
      firstRecordAt.putIfAbsent(shard, at);
      valuesByKey
          .computeIfAbsent(r.partitionKey(), k -> new CopyOnWriteArrayList<>())
          .add(StandardCharsets.UTF_8.decode(r.data()).toString());
      records.incrementAndGet();
    }
  }

  /** Records everything, checkpoints after each batch, checkpoints at shard end and shutdown. */
  class Recorder implements RecordProcessor {
    private String shard;

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      shard = shardId;
      journal.events.add("initialize " + shardId + " at " + startingPosition);
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      records.forEach(r -> journal.record(shard, r));
      checkpointer.checkpoint();
    }

    @Override
    public void leaseLost() {
      journal.events.add("leaseLost " + shard);
    }

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      journal.endedAt.put(shard, journal.clock.incrementAndGet());
      checkpointer.checkpoint();
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {
      journal.events.add("shutdownRequested " + shard);
      checkpointer.checkpoint();
    }
  }

  private ConsumerConfig.Builder config(String workerId) {
    return ConsumerConfig.builder()
        .applicationName("app")
        .streamName("s")
        .workerId(workerId)
        .initialPosition(InitialPosition.trimHorizon())
        .failoverTime(Duration.ofSeconds(2))
        .takeInterval(Duration.ofMillis(100))
        .shardSyncInterval(Duration.ofSeconds(1))
        .idleWait(Duration.ofMillis(50))
        .processorRetryBackoff(Duration.ofMillis(20))
        .shutdownTimeout(Duration.ofSeconds(10));
  }

  private Worker start(ConsumerConfig.Builder config, RecordProcessorFactory factory) {
    Worker w = Worker.create(config.build(), kinesis, leases, factory);
    workers.add(w);
    w.start();
    return w;
  }

  private Worker start(String workerId) {
    return start(config(workerId), shard -> new Recorder());
  }

  /** Writes {@code count} records over 20 keys through kpl-lite, aggregated; value "key:i". */
  private void produce(int from, int count) {
    try (KinesisProducer producer =
        KinesisProducer.create(
            // Strict: the producer itself keeps each key's order, so any disorder is ours.
            ProducerConfig.builder()
                .strictOrdering(true)
                .recordMaxBufferedTime(Duration.ofMillis(10))
                .build(),
            kinesis)) {
      for (int i = from; i < from + count; i++) {
        String key = "key-" + (i % 20);
        producer.add("s", key, ByteBuffer.wrap((key + ":" + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flushSync();
    }
  }

  private static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private void assertEveryRecordSeenInKeyOrder(int total) {
    Map<String, List<Integer>> byKey = new HashMap<>();
    journal.valuesByKey.forEach(
        (key, values) -> {
          List<Integer> order = new ArrayList<>();
          for (String v : values) {
            order.add(Integer.parseInt(v.substring(v.indexOf(':') + 1)));
          }
          byKey.put(key, order);
        });
    Set<Integer> seen = new java.util.HashSet<>();
    byKey.values().forEach(seen::addAll);
    assertThat(seen).as("every record processed at least once").hasSize(total);
    byKey.forEach(
        (key, order) -> {
          List<Integer> distinctInOrder = order.stream().distinct().toList();
          assertThat(distinctInOrder).as("order of %s", key).isSorted();
        });
  }

  @Test
  void aLoneWorkerProcessesEveryRecordOfEveryShardInKeyOrder() {
    await(kinesis.createStream("s", 4));
    produce(0, 2_000);
    Worker w = start("w1");
    eventually("2,000 records processed", () -> journal.records.get() >= 2_000);
    assertThat(w.heldShards()).hasSize(4);
    assertEveryRecordSeenInKeyOrder(2_000);
    assertThat(journal.records.get()).as("no duplicates without failures").isEqualTo(2_000);
  }

  @Test
  void threeWorkersShareFourShardsAtFloorOrCeiling() {
    await(kinesis.createStream("s", 4));
    Worker w1 = start("w1");
    Worker w2 = start("w2");
    Worker w3 = start("w3");
    eventually(
        "balanced",
        () ->
            w1.heldShards().size() + w2.heldShards().size() + w3.heldShards().size() == 4
                && List.of(w1, w2, w3).stream().allMatch(w -> w.heldShards().size() >= 1));
    produce(0, 1_000);
    eventually("1,000 records processed", () -> journal.records.get() >= 1_000);
    assertEveryRecordSeenInKeyOrder(1_000);
  }

  @Test
  void aGracefulShutdownCheckpointsAndHandsTheShardsOverAtOnce() throws Exception {
    await(kinesis.createStream("s", 2));
    Worker w1 = start("w1");
    eventually("w1 holds both shards", () -> w1.heldShards().size() == 2);
    produce(0, 500);
    eventually("500 processed", () -> journal.records.get() >= 500);
    Worker w2 = start(config("w2").failoverTime(Duration.ofSeconds(30)), s -> new Recorder());

    w1.shutdown().get(10, TimeUnit.SECONDS);

    assertThat(journal.events).filteredOn(e -> e.startsWith("shutdownRequested")).isNotEmpty();
    // w2 cannot have waited for expiry: its failover time is 30 s.
    eventually("w2 holds both shards", () -> w2.heldShards().size() == 2);
    int before = journal.records.get();
    produce(500, 500);
    eventually("all 1,000 processed", () -> journal.records.get() >= before + 500);
    assertThat(journal.records.get())
        .as("resumed after the checkpoints: no repeats")
        .isEqualTo(1_000);
    assertEveryRecordSeenInKeyOrder(1_000);
  }

  @Test
  void aJoiningWorkerIsHandedItsShardsGracefullyAndNoRecordIsProcessedTwice() {
    await(kinesis.createStream("s", 4));
    produce(0, 1_000);
    Worker w1 = start("w1");
    eventually("w1 processed 1,000", () -> journal.records.get() >= 1_000);
    Worker w2 = start("w2");
    int produced = 1_000;
    while (w2.heldShards().size() < 2 && produced < 50_000) {
      produce(produced, 500); // records keep flowing while the shards move
      produced += 500;
    }
    int total = produced;
    eventually("balanced 2/2", () -> w1.heldShards().size() == 2 && w2.heldShards().size() == 2);
    eventually("everything processed", () -> journal.records.get() >= total);

    assertThat(journal.events)
        .as("w1's processors were asked to finish, not told they lost the lease")
        .filteredOn(e -> e.startsWith("shutdownRequested"))
        .hasSize(2);
    assertThat(journal.events).filteredOn(e -> e.startsWith("leaseLost")).isEmpty();
    assertEveryRecordSeenInKeyOrder(total);
    assertThat(journal.records.get()).as("no record processed twice").isEqualTo(total);
  }

  @Test
  void afterASplitAndAMergeParentsFinishBeforeTheirChildrenAndKeyOrderHolds() {
    await(kinesis.createStream("s", 2));
    start("w1");
    start("w2");
    produce(0, 500);
    eventually("500 processed", () -> journal.records.get() >= 500);
    List<Shard> shards = await(kinesis.listShards("s"));
    Shard first = shards.get(0);
    await(
        kinesis.splitShard(
            "s",
            first.shardId(),
            first.hashKeyRange().start().add(first.hashKeyRange().end()).shiftRight(1)));
    produce(500, 500);
    eventually("1,000 processed", () -> journal.records.get() >= 1_000);
    List<Shard> open = await(kinesis.listShards("s")).stream().filter(Shard::isOpen).toList();
    Shard a = open.stream().filter(s -> s.parentShardId().isPresent()).findFirst().orElseThrow();
    Shard b = open.get(open.size() - 1);
    // Merge two adjacent open shards (a split child and its neighbour).
    List<Shard> sorted =
        open.stream()
            .sorted(java.util.Comparator.comparing(s -> s.hashKeyRange().start()))
            .toList();
    await(kinesis.mergeShards("s", sorted.get(1).shardId(), sorted.get(2).shardId()));
    produce(1_000, 500);
    eventually("1,500 processed", () -> journal.records.get() >= 1_500);
    eventually(
        "every closed shard ended",
        () ->
            await(kinesis.listShards("s")).stream()
                .filter(s -> !s.isOpen())
                .allMatch(s -> journal.endedAt.containsKey(s.shardId())));
    for (Shard s : await(kinesis.listShards("s"))) {
      for (String parent : parentsOf(s)) {
        Long childFirst = journal.firstRecordAt.get(s.shardId());
        if (childFirst != null) {
          assertThat(journal.endedAt.get(parent))
              .as("%s ended before its child %s began", parent, s.shardId())
              .isNotNull()
              .isLessThan(childFirst);
        }
      }
    }
    assertEveryRecordSeenInKeyOrder(1_500);
    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
  }

  private static List<String> parentsOf(Shard s) {
    List<String> parents = new ArrayList<>();
    s.parentShardId().ifPresent(parents::add);
    s.adjacentParentShardId().ifPresent(parents::add);
    return parents;
  }

  @Test
  void withEnhancedFanOutEveryRecordArrivesInKeyOrderAcrossASplit() {
    await(kinesis.createStream("s", 2));
    start(config("w1").enhancedFanOut(true), shard -> new Recorder());
    produce(0, 500);
    eventually("500 processed", () -> journal.records.get() >= 500);
    Shard first = await(kinesis.listShards("s")).get(0);
    await(
        kinesis.splitShard(
            "s",
            first.shardId(),
            first.hashKeyRange().start().add(first.hashKeyRange().end()).shiftRight(1)));
    produce(500, 500);
    eventually("1,000 processed", () -> journal.records.get() >= 1_000);
    eventually("the split parent ended", () -> journal.endedAt.containsKey(first.shardId()));
    assertThat(await(kinesis.listConsumers("s"))).extracting(c -> c.name()).contains("app");
    assertEveryRecordSeenInKeyOrder(1_000);
    assertThat(journal.records.get()).isEqualTo(1_000);
  }

  @Test
  void aProcessorThatThrowsGetsTheSameBatchAgainAndNothingIsSkipped() {
    await(kinesis.createStream("s", 1));
    produce(0, 300);
    AtomicInteger failures = new AtomicInteger();
    start(
        config("w1"),
        shard ->
            new Recorder() {
              @Override
              public void processRecords(
                  List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
                if (failures.getAndIncrement() < 3) {
                  throw new IllegalStateException("flaky processor (test)");
                }
                super.processRecords(records, checkpointer, millisBehind);
              }
            });
    eventually("300 processed", () -> journal.records.get() >= 300);
    assertThat(failures.get()).isGreaterThan(3);
    assertEveryRecordSeenInKeyOrder(300);
    assertThat(journal.records.get()).isEqualTo(300);
  }

  @Test
  void aBatchReadJustBeforeAGracefulStopIsNeitherProcessedNorCheckpointed() throws Exception {
    await(kinesis.createStream("s", 1));
    HeldRead held = new HeldRead();
    Worker w1 =
        Worker.create(config("w1").build(), held.over(kinesis), leases, shard -> new Recorder());
    workers.add(w1);
    w1.start();
    eventually("w1 holds the shard", () -> w1.heldShards().size() == 1);
    held.armed.set(true);
    produce(0, 50);
    assertThat(held.holding.await(30, TimeUnit.SECONDS)).as("a read with records held").isTrue();

    java.util.concurrent.CompletableFuture<Void> stopping = w1.shutdown();
    held.release.countDown();
    stopping.get(10, TimeUnit.SECONDS);

    assertThat(journal.events).contains("shutdownRequested shardId-000000000000");
    int seenByW1 = journal.records.get();
    assertThat(seenByW1).as("the held batch was not given to w1's processor").isLessThan(50);
    // w1's shutdownRequested checkpointed "what it was given": the next worker must get the rest.
    start("w2");
    eventually("all 50 processed", () -> journal.records.get() >= 50);
    assertEveryRecordSeenInKeyOrder(50);
  }

  @Test
  void aBatchTheProcessorThrewOnIsNotCoveredByItsShutdownCheckpoint() throws Exception {
    await(kinesis.createStream("s", 1));
    java.util.concurrent.CountDownLatch threw = new java.util.concurrent.CountDownLatch(1);
    Worker w1 =
        start(
            config("w1").processorRetryBackoff(Duration.ofSeconds(30)),
            shard ->
                new Recorder() {
                  @Override
                  public void processRecords(
                      List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
                    threw.countDown();
                    throw new IllegalStateException("a processor that cannot go on (test)");
                  }
                });
    produce(0, 50);
    assertThat(threw.await(30, TimeUnit.SECONDS)).isTrue();

    w1.shutdown().get(10, TimeUnit.SECONDS);

    assertThat(journal.events).contains("shutdownRequested shardId-000000000000");
    start("w2");
    eventually("all 50 processed", () -> journal.records.get() >= 50);
    assertEveryRecordSeenInKeyOrder(50);
  }

  /** Wraps a transport: once armed, the next read that finds records is held until released. */
  private static final class HeldRead {
    final java.util.concurrent.atomic.AtomicBoolean armed =
        new java.util.concurrent.atomic.AtomicBoolean();
    final java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    KinesisTransport over(KinesisTransport real) {
      return InterceptedReads.over(
          real,
          page ->
              page.thenApply(
                  p -> {
                    if (!p.records().isEmpty() && armed.compareAndSet(true, false)) {
                      holding.countDown();
                      try {
                        release.await(30, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }
                    return p;
                  }));
    }
  }

  @Test
  void aRestartedWorkerResumesAfterItsCheckpoint() {
    await(kinesis.createStream("s", 2));
    produce(0, 400);
    Worker first = start("w1");
    eventually("400 processed", () -> journal.records.get() >= 400);
    first.close();
    workers.remove(first);
    produce(400, 200);
    start("w1");
    eventually("600 processed", () -> journal.records.get() >= 600);
    assertThat(journal.records.get()).isEqualTo(600);
    assertEveryRecordSeenInKeyOrder(600);
  }

  @Test
  void aLeaseStoreOutageStopsProcessingBeforeTheLeasesCouldExpireAndProcessingResumesAfter() {
    await(kinesis.createStream("s", 2));
    FlakyLeaseStore flaky = new FlakyLeaseStore(leases);
    Worker w = Worker.create(config("w1").build(), kinesis, flaky, shard -> new Recorder());
    workers.add(w);
    w.start();
    produce(0, 200);
    eventually("200 processed", () -> journal.records.get() >= 200);

    flaky.down(true);
    eventually(
        "both processors told they lost their lease",
        () -> journal.events.stream().filter(e -> e.startsWith("leaseLost")).count() == 2);
    assertThat(w.heldShards()).isEmpty();
    produce(200, 200);
    int whileDown = journal.records.get();

    flaky.down(false);
    eventually("all 400 processed", () -> journal.records.get() >= 400);
    assertThat(whileDown).as("nothing processed without a valid lease").isEqualTo(200);
    assertEveryRecordSeenInKeyOrder(400);
  }

  /**
   * Processors of one shard: the first blocks in its first batch until {@link #release} (and does
   * not checkpoint it); later ones record as {@link Recorder} does.
   */
  private final class FirstProcessorHeld implements RecordProcessorFactory {
    final java.util.concurrent.CountDownLatch inBatch = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch secondStarted =
        new java.util.concurrent.CountDownLatch(1);
    private final AtomicInteger processors = new AtomicInteger();

    @Override
    public RecordProcessor create(String shardId) {
      int number = processors.incrementAndGet();
      return new Recorder() {
        @Override
        public void initialize(String shardId, Checkpoint startingPosition) {
          super.initialize(shardId, startingPosition);
          if (number == 2) {
            secondStarted.countDown();
          }
        }

        @Override
        public void processRecords(
            List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
          if (number == 1) {
            inBatch.countDown();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return; // a batch that outlived its lease: no checkpoint
          }
          super.processRecords(records, checkpointer, millisBehind);
        }
      };
    }
  }

  /** Starts the worker, and once its first processor is in a batch, makes it drop and re-take. */
  private void dropAndRetakeDuringTheFirstBatch(
      Worker w, FlakyLeaseStore flaky, FirstProcessorHeld processors) throws Exception {
    w.start();
    assertThat(processors.inBatch.await(30, TimeUnit.SECONDS)).isTrue();
    flaky.down(true);
    eventually("the unrenewed lease let go", () -> w.heldShards().isEmpty());
    flaky.down(false);
  }

  @Test
  void aLeaseRetakenWhileItsProcessorIsStillInABatchGetsItsNextProcessorOnlyAfterThatBatch()
      throws Exception {
    await(kinesis.createStream("s", 1));
    produce(0, 10);
    FlakyLeaseStore flaky = new FlakyLeaseStore(leases);
    FirstProcessorHeld processors = new FirstProcessorHeld();
    Worker w =
        Worker.create(
            config("w1").failoverTime(Duration.ofSeconds(4)).build(), // the wait's bound
            kinesis,
            flaky,
            processors);
    workers.add(w);
    dropAndRetakeDuringTheFirstBatch(w, flaky, processors);
    eventually("the lease taken back", () -> w.heldShards().size() == 1);

    assertThat(processors.secondStarted.await(1, TimeUnit.SECONDS))
        .as("no second processor while the first is in its batch")
        .isFalse();
    processors.release.countDown();
    assertThat(processors.secondStarted.await(30, TimeUnit.SECONDS)).isTrue();
    eventually("the batch processed by the second processor", () -> journal.records.get() >= 10);
    assertEveryRecordSeenInKeyOrder(10);
  }

  @Test
  void aProcessorStuckInItsBatchDoesNotKeepTheRetakenShardFromBeingProcessed() throws Exception {
    await(kinesis.createStream("s", 1));
    produce(0, 10);
    FlakyLeaseStore flaky = new FlakyLeaseStore(leases);
    FirstProcessorHeld processors = new FirstProcessorHeld(); // released only when the test ends
    Worker w = Worker.create(config("w1").build(), kinesis, flaky, processors);
    workers.add(w);
    try {
      dropAndRetakeDuringTheFirstBatch(w, flaky, processors);
      eventually(
          "a second processor, after the failover time, processed the shard",
          () -> journal.records.get() >= 10);
      assertEveryRecordSeenInKeyOrder(10);
    } finally {
      processors.release.countDown();
    }
  }

  @Test
  void aWorkerShutDownWhileItWasStartingTakesNoLease() throws Exception {
    await(kinesis.createStream("s", 2));
    FlakyLeaseStore flaky = new FlakyLeaseStore(leases);
    flaky.down(true);
    Worker w = Worker.create(config("w1").build(), kinesis, flaky, shard -> new Recorder());
    workers.add(w);
    java.util.concurrent.CompletableFuture<Void> starting =
        java.util.concurrent.CompletableFuture.runAsync(w::start);
    eventually("two failed tries", () -> flaky.calls() >= 2);

    w.shutdown();
    flaky.down(false); // the next try succeeds, after the shutdown
    try {
      starting.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // a start that gave up is as good here
    }

    assertThat(leases.list())
        .as("no lease ever taken")
        .allMatch(l -> l.owner().isEmpty() && l.counter() == 0);
  }

  @Test
  void onTheDurableEmbeddedDefaultCheckpointsSurviveARestartOfEverything(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    // Replace the in-memory setup with a durable engine and a lease table beside its data.
    kinesis.close();
    engine.close();
    leases.close();
    engine = ShardEngine.open(EngineConfig.builder().directory(dir).limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    leases = EmbeddedLeaseStore.inDirectory(dir, "app");
    await(kinesis.createStream("s", 2));
    produce(0, 300);
    Worker first = start("w1");
    eventually("300 processed", () -> journal.records.get() >= 300);
    first.close();
    workers.remove(first);
    leases.close();
    kinesis.close();
    engine.close();

    engine = ShardEngine.open(EngineConfig.builder().directory(dir).limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    leases = EmbeddedLeaseStore.inDirectory(dir, "app");
    produce(300, 100);
    start("w1");
    eventually("400 processed", () -> journal.records.get() >= 400);
    assertThat(journal.records.get()).as("resumed from the checkpoints on disk").isEqualTo(400);
    assertEveryRecordSeenInKeyOrder(400);
  }

  @Test
  void aCheckpointPastWhatWasDeliveredIsRefused() {
    await(kinesis.createStream("s", 1));
    produce(0, 10);
    List<Throwable> refused = new CopyOnWriteArrayList<>();
    start(
        config("w1"),
        shard ->
            new Recorder() {
              @Override
              public void processRecords(
                  List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
                try {
                  checkpointer.checkpoint(Checkpoint.at("9".repeat(60), 0));
                } catch (IllegalArgumentException e) {
                  refused.add(e);
                }
                super.processRecords(records, checkpointer, millisBehind);
              }
            });
    eventually("10 processed", () -> journal.records.get() >= 10);
    assertThat(refused).isNotEmpty().first().asString().contains("past the last record delivered");
  }

  @Test
  void aWorkerStartedBeforeItsLeaseStoreIsReachableWaitsForItThenConsumes() throws Exception {
    await(kinesis.createStream("s", 1));
    produce(0, 20);
    FlakyLeaseStore flaky = new FlakyLeaseStore(leases);
    flaky.down(true);
    Worker w = Worker.create(config("w1").build(), kinesis, flaky, shard -> new Recorder());
    workers.add(w);
    java.util.concurrent.CompletableFuture<Void> starting =
        java.util.concurrent.CompletableFuture.runAsync(w::start);
    eventually("two failed tries", () -> flaky.calls() >= 2);
    assertThat(starting).as("still trying").isNotDone();

    flaky.down(false);
    starting.get(30, TimeUnit.SECONDS);
    eventually("20 processed", () -> journal.records.get() >= 20);
  }

  @Test
  void aLeaseStoreThatStaysUnreachableFailsStartOnceTheStartTimeoutRunsOut() {
    await(kinesis.createStream("s", 1));
    FlakyLeaseStore flaky = new FlakyLeaseStore(leases);
    flaky.down(true);
    Worker w =
        Worker.create(
            config("w1").startTimeout(Duration.ofMillis(300)).build(),
            kinesis,
            flaky,
            shard -> new Recorder());
    workers.add(w);

    assertThatThrownBy(w::start)
        .isInstanceOf(LeaseStoreException.class)
        .hasMessageContaining("unreachable");
    assertThat(flaky.calls()).as("tried more than once").isGreaterThan(1);
  }

  @Test
  void startingOnAStreamThatDoesNotExistFailsClearly() {
    Worker w = Worker.create(config("w1").build(), kinesis, leases, s -> new Recorder());
    workers.add(w);
    assertThatThrownBy(w::start).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void badConfigIsRefusedWhenBuilt() {
    assertThatThrownBy(() -> ConsumerConfig.builder().streamName("s").build())
        .hasMessageContaining("applicationName");
    assertThatThrownBy(() -> ConsumerConfig.builder().applicationName(""))
        .hasMessageContaining("applicationName");
    assertThatThrownBy(
            () ->
                ConsumerConfig.builder()
                    .applicationName("a")
                    .streamName("s")
                    .failoverTime(Duration.ofSeconds(2))
                    .renewInterval(Duration.ofSeconds(3))
                    .build())
        .hasMessageContaining("renewInterval")
        .hasMessageContaining("failoverTime");
  }
}
