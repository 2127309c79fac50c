package io.kinesislite.kcl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.DynamoDbLocalExtension;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.KinesisMock;
import io.kinesislite.testkit.KinesisMockExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fleet of three workers in one JVM on a 4-shard stream on kinesis-mock, with their leases in
 * DynamoDB Local (one {@link DynamoDbLeaseStore} per worker, over a fresh table): they balance to
 * 2/1/1, process every record at least once in key order, and when one of them crashes (its lease
 * store stops answering, so it can neither renew nor release) the other two resume its shards
 * within the failover time plus a taking round or two.
 *
 * <p>The crash here is a worker cut off from the lease table, the one way to stop a worker in
 * process without a graceful release; {@code WorkerProcessFleetIT} kills a worker's JVM with
 * SIGKILL.
 */
@ExtendWith({KinesisMockExtension.class, DynamoDbLocalExtension.class})
class WorkerFleetIT {
  private static final Duration FAILOVER = Duration.ofSeconds(3);
  private static final Duration TAKE_INTERVAL = Duration.ofMillis(500);

  /** The bound a failover must meet: failover time, two taking rounds, and 5 s of slack. */
  private static final Duration FAILOVER_BOUND =
      FAILOVER.plus(TAKE_INTERVAL.multipliedBy(2)).plusSeconds(5);

  private static final int SHARDS = 4;
  private static final int KEYS = 20;
  private static final int BATCH = 2_000;

  private FleetPeers peers;
  private final List<Worker> workers = new ArrayList<>();
  private final Map<String, FlakyLeaseStore> storesByWorker = new HashMap<>();
  private final List<LeaseStore> realStores = new ArrayList<>();
  private final Journal journal = new Journal();

  @BeforeEach
  void open(KinesisMock mock, DynamoDbLocal dynamo) {
    peers = new FleetPeers(mock, dynamo, "kcl-fleet", SHARDS);
  }

  @AfterEach
  void close() {
    workers.forEach(Worker::close);
    realStores.forEach(LeaseStore::close);
    if (peers != null) {
      peers.close();
    }
    Eventually.within(
        Duration.ofSeconds(30),
        "every worker thread stopped",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("kinesis-lite-worker")));
  }

  /** What every processor of every worker saw, with when and by whom. */
  static final class Journal {
    /** Values ("key:i" as i) by partition key, in the order processors were handed them. */
    final Map<String, List<Integer>> valuesByKey = new ConcurrentHashMap<>();

    final Set<Integer> seen = ConcurrentHashMap.newKeySet();

    /** Every delivery of a batch: worker, shard and System.nanoTime() when it began. */
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    /** "worker shard" of each leaseLost call. */
    final List<String> leaseLost = new CopyOnWriteArrayList<>();

    record Delivery(String worker, String shard, long atNanos) {}

    void delivered(String worker, String shard, List<ConsumerRecord> records) {
      deliveries.add(new Delivery(worker, shard, System.nanoTime()));
      for (ConsumerRecord r : records) {
        String v = StandardCharsets.UTF_8.decode(r.data()).toString();
        int value = Integer.parseInt(v.substring(v.indexOf(':') + 1));
        valuesByKey.computeIfAbsent(r.partitionKey(), k -> new CopyOnWriteArrayList<>()).add(value);
        seen.add(value);
      }
    }
  }

  /** Journals each batch, then checkpoints it; checkpoints at shard end and shutdown. */
  private final class Recorder implements RecordProcessor {
    private final String worker;
    private String shard;

    Recorder(String worker) {
      this.worker = worker;
    }

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      shard = shardId;
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      journal.delivered(worker, shard, records);
      checkpointer.checkpoint();
    }

    @Override
    public void leaseLost() {
      journal.leaseLost.add(worker + " " + shard);
    }

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      checkpointer.checkpoint();
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {
      checkpointer.checkpoint();
    }
  }

  private Worker start(String workerId) {
    LeaseStore real = peers.openStore();
    realStores.add(real);
    FlakyLeaseStore store = new FlakyLeaseStore(real);
    storesByWorker.put(workerId, store);
    Worker w =
        Worker.create(
            ConsumerConfig.builder()
                .applicationName(peers.table)
                .streamName(peers.stream)
                .workerId(workerId)
                .initialPosition(InitialPosition.trimHorizon())
                .failoverTime(FAILOVER)
                .takeInterval(TAKE_INTERVAL)
                .idleWait(Duration.ofMillis(100))
                .processorRetryBackoff(Duration.ofMillis(100))
                .shutdownTimeout(Duration.ofSeconds(5))
                .build(),
            peers.kinesis,
            store,
            shard -> new Recorder(workerId));
    workers.add(w);
    w.start();
    return w;
  }

  /** Writes {@code count} records over 20 keys through kpl-lite, aggregated; value "key:i". */
  private void produce(int from, int count) {
    try (KinesisProducer producer =
        KinesisProducer.create(
            // Strict: the producer itself keeps each key's order, so any disorder is the
            // consumer's.
            ProducerConfig.builder()
                .strictOrdering(true)
                .aggregationEnabled(true)
                .recordMaxBufferedTime(Duration.ofMillis(20))
                .build(),
            peers.kinesis)) {
      List<CompletableFuture<?>> results = new ArrayList<>(count);
      for (int i = from; i < from + count; i++) {
        String key = "key-" + (i % KEYS);
        results.add(
            producer.add(
                peers.stream,
                key,
                ByteBuffer.wrap((key + ":" + i).getBytes(StandardCharsets.UTF_8))));
      }
      producer.flushSync();
      results.forEach(f -> await(f)); // every record was accepted
    }
  }

  private static List<Integer> sortedSizes(List<Worker> fleet) {
    return fleet.stream().map(w -> w.heldShards().size()).sorted().toList();
  }

  private long takes(List<Worker> fleet) {
    return fleet.stream().mapToLong(w -> w.coordinator().takes()).sum();
  }

  private void assertEveryRecordSeenInKeyOrder(int total) {
    assertThat(journal.seen).as("every record processed at least once").hasSize(total);
    Set<Integer> all = new HashSet<>();
    journal.valuesByKey.forEach(
        (key, values) -> {
          all.addAll(values);
          List<Integer> distinctInOrder = values.stream().distinct().toList();
          assertThat(distinctInOrder).as("order of %s (distinct values)", key).isSorted();
        });
    assertThat(all).hasSize(total);
  }

  @Test
  void threeWorkersBalanceProcessEverythingInKeyOrderAndResumeACrashedWorkersShards() {
    Worker w1 = start("fleet-w1");
    Worker w2 = start("fleet-w2");
    Worker w3 = start("fleet-w3");
    List<Worker> fleet = List.of(w1, w2, w3);

    // Balanced: floor or ceiling of 4 / 3, as each worker sees it and as the table says.
    Duration balancing =
        Eventually.within(
            Duration.ofSeconds(30),
            "the leases are balanced 2/1/1",
            () ->
                sortedSizes(fleet).equals(List.of(1, 1, 2))
                    && peers.owners().values().stream()
                        .map(Set::size)
                        .sorted()
                        .toList()
                        .equals(List.of(1, 1, 2)));
    System.out.printf("WorkerFleetIT: balanced 2/1/1 in %d ms%n", balancing.toMillis());
    Map<String, Set<String>> balanced = new TreeMap<>();
    fleet.forEach(w -> balanced.put(w.workerId(), w.heldShards()));
    assertThat(peers.owners()).as("the table agrees with the workers").isEqualTo(balanced);
    long takesWhenBalanced = takes(fleet);

    produce(0, BATCH);
    Eventually.within(
        Duration.ofSeconds(30), BATCH + " records processed", () -> journal.seen.size() >= BATCH);
    assertEveryRecordSeenInKeyOrder(BATCH);
    Map<String, Set<String>> afterProcessing = new TreeMap<>();
    fleet.forEach(w -> afterProcessing.put(w.workerId(), w.heldShards()));
    assertThat(afterProcessing).as("a balanced fleet moves no lease").isEqualTo(balanced);
    assertThat(takes(fleet)).as("no take since balancing").isEqualTo(takesWhenBalanced);

    // Crash the worker with two shards: its lease store stops answering, so it can neither renew
    // nor release, and its leases stand still in the table until the others judge them expired.
    Worker victim = fleet.stream().filter(w -> w.heldShards().size() == 2).findFirst().get();
    List<Worker> survivors = fleet.stream().filter(w -> w != victim).toList();
    Set<String> victimShards = victim.heldShards();
    long crashedAt = System.nanoTime();
    storesByWorker.get(victim.workerId()).down(true);
    CompletableFuture<Void> moreRecords =
        CompletableFuture.runAsync(() -> produce(BATCH, BATCH)); // while the fleet recovers

    Duration takenOver =
        Eventually.within(
            FAILOVER_BOUND.plusSeconds(20),
            "the survivors hold the crashed worker's shards " + victimShards,
            () -> {
              Set<String> held = new HashSet<>();
              survivors.forEach(w -> held.addAll(w.heldShards()));
              return held.containsAll(victimShards);
            });
    Eventually.within(
        FAILOVER_BOUND.plusSeconds(20),
        "the survivors processed records of each of the crashed worker's shards",
        () ->
            victimShards.stream()
                .allMatch(s -> firstDeliveryAfter(survivors, s, crashedAt).isPresent()));
    Map<String, Duration> resumed = new TreeMap<>();
    for (String shard : victimShards) {
      resumed.put(
          shard,
          Duration.ofNanos(
              firstDeliveryAfter(survivors, shard, crashedAt).getAsLong() - crashedAt));
    }
    System.out.printf(
        "WorkerFleetIT: crashed %s holding %s; its shards held by the survivors after %d ms,"
            + " processing resumed after %s ms (failover %d ms, take interval %d ms, bound %d ms)%n",
        victim.workerId(),
        victimShards,
        takenOver.toMillis(),
        resumed.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().toMillis())
            .collect(Collectors.joining(", ", "{", "}")),
        FAILOVER.toMillis(),
        TAKE_INTERVAL.toMillis(),
        FAILOVER_BOUND.toMillis());
    assertThat(takenOver).as("time until the survivors hold the shards").isLessThan(FAILOVER_BOUND);
    resumed.forEach(
        (shard, after) ->
            assertThat(after)
                .as("time until %s is processed again", shard)
                .isLessThan(FAILOVER_BOUND));

    // The crashed worker stopped on its own, before anyone else processed its shards.
    Eventually.within(
        Duration.ofSeconds(10),
        "the crashed worker let its leases go",
        () -> victim.heldShards().isEmpty());
    for (String shard : victimShards) {
      Eventually.within(
          Duration.ofSeconds(10),
          "the crashed worker's processor of " + shard + " was told it lost the lease",
          () -> journal.leaseLost.contains(victim.workerId() + " " + shard));
      long lastByVictim =
          journal.deliveries.stream()
              .filter(d -> d.worker().equals(victim.workerId()) && d.shard().equals(shard))
              .mapToLong(Journal.Delivery::atNanos)
              .max()
              .orElse(Long.MIN_VALUE);
      long firstBySurvivor = firstDeliveryAfter(survivors, shard, crashedAt).getAsLong();
      System.out.printf(
          "WorkerFleetIT: %s: the crashed worker's last delivery %d ms after the crash, the"
              + " survivors' first %d ms after it%n",
          shard,
          TimeUnit.NANOSECONDS.toMillis(lastByVictim - crashedAt),
          TimeUnit.NANOSECONDS.toMillis(firstBySurvivor - crashedAt));
      assertThat(lastByVictim)
          .as("the crashed worker's last delivery of %s came before the survivors' first", shard)
          .isLessThan(firstBySurvivor);
    }

    await(moreRecords);
    Eventually.within(
        Duration.ofSeconds(30),
        2 * BATCH + " records processed",
        () -> journal.seen.size() >= 2 * BATCH);
    assertEveryRecordSeenInKeyOrder(2 * BATCH);
    Set<String> survivorIds = new HashSet<>();
    survivors.forEach(w -> survivorIds.add(w.workerId()));
    Map<String, Set<String>> owners = peers.owners();
    assertThat(owners.keySet()).as("owners in the table").isEqualTo(survivorIds);
    assertThat(owners.values().stream().map(Set::size).sorted().toList())
        .as("the survivors share the 4 shards 2/2")
        .isEqualTo(List.of(2, 2));
    Optional<Integer> sum = survivors.stream().map(w -> w.heldShards().size()).reduce(Integer::sum);
    assertThat(sum).contains(SHARDS);
  }

  /** When a survivor first began a delivery of {@code shard} after {@code after}, if it did. */
  private OptionalLong firstDeliveryAfter(List<Worker> survivors, String shard, long after) {
    Set<String> ids = new HashSet<>();
    survivors.forEach(w -> ids.add(w.workerId()));
    return journal.deliveries.stream()
        .filter(d -> ids.contains(d.worker()) && d.shard().equals(shard) && d.atNanos() - after > 0)
        .mapToLong(Journal.Delivery::atNanos)
        .min();
  }
}
