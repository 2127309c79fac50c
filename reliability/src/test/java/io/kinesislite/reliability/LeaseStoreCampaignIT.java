package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kcl.DynamoDbLeaseStore;
import io.kinesislite.kcl.LeaseStoreConfig;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.KinesisTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign 3, lease store faults: three kcl-lite workers consume a stream of the bundled engine
 * with their leases in DynamoDB Local (file-backed, so the table survives a restart), while the
 * campaign stops DynamoDB Local for longer than the failover time (SIGKILL or SIGTERM) and starts
 * it again, and a competing "worker" makes every lease write with a stale counter.
 *
 * <p>It asserts what docs/kcl-lite.md promises: cut off from the store, workers let their leases go
 * within the failover time and process nothing more until it is back; two processors of one shard
 * are active together for no longer than the failover time (a stolen lease's old owner stops at its
 * next write); stale writes are refused and change nothing; no checkpoint moves backwards (the
 * table is sampled every 100 ms); and every acknowledged record is processed (duplicates counted).
 */
class LeaseStoreCampaignIT {
  private static final CampaignMode MODE = CampaignMode.current();
  private static final Duration FAILOVER = Duration.ofSeconds(2);
  // A batch in flight when the lease goes may finish: the promise is about what starts after.
  private static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(1);
  // Below the failover time, as LeaseStoreConfig asks.
  private static final Duration WORKER_CALL_TIMEOUT = Duration.ofSeconds(1);
  private static final int WORKERS = 3;

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    // Newest first: workers before their stores, the stores before DynamoDB Local.
    Exception first = null;
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    open.add(resource);
    return resource;
  }

  @Test
  void storeOutagesAndStaleWritersLoseNothingAndNeverMoveACheckpointBack() throws Exception {
    Duration runFor = MODE.pick(Duration.ofSeconds(5), Duration.ofMinutes(4));
    int shards = (int) MODE.pick(4, 6);
    Random random = new Random();
    long started = System.nanoTime();

    RestartableDynamoDb dynamo = closeLater(new RestartableDynamoDb(dir.resolve("dynamodb")));
    dynamo.start();
    ShardEngine engine =
        closeLater(ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build()));
    KinesisTransport kinesis = closeLater(EmbeddedTransport.over(engine));
    String stream = "leases-campaign";
    String table = "leases-campaign-app";
    kinesis.createStream(stream, shards).get(30, TimeUnit.SECONDS);

    // The table is made up front, with time to spare: a cold DynamoDB Local on a loaded machine
    // can take seconds for its first calls, longer than the workers' call timeout.
    try (DynamoDbLeaseStore setup = store(dynamo, table, Duration.ofSeconds(30))) {
      setup.ensureTable();
      setup.list();
    }
    ProcessingLog processed = new ProcessingLog();
    WorkerFleet fleet =
        closeLater(
            new WorkerFleet(
                WorkerFleet.settings(table, stream, FAILOVER),
                kinesis,
                () -> store(dynamo, table, WORKER_CALL_TIMEOUT),
                processed));
    // One worker short of the fleet: the last joins after the first outage and steals its share.
    for (int w = 1; w < WORKERS; w++) {
      fleet.join();
    }
    CheckpointSampler sampler =
        closeLater(
            new CheckpointSampler(
                closeLater(store(dynamo, table, WORKER_CALL_TIMEOUT)), Duration.ofMillis(100)));
    StaleLeaseWriter intruder =
        new StaleLeaseWriter(
            closeLater(store(dynamo, table, WORKER_CALL_TIMEOUT)), "stale-intruder");
    SteadyProducer producer = closeLater(new SteadyProducer(kinesis, stream, 20, 50));

    Eventually.within(
        Duration.ofSeconds(60),
        "every shard to be processed",
        () -> processed.lastProcessedNanos().size() == shards,
        () -> "shards processed so far: " + processed.lastProcessedNanos().keySet());

    // The faults: an outage first (so that even the short form has one), then stale writers and
    // further outages at random until the run's time is up.
    List<String> shardIds = new ArrayList<>(processed.lastProcessedNanos().keySet());
    Outages outages = new Outages(dynamo, fleet, processed);
    int staleRounds = 0;
    long faultsUntil = System.nanoTime() + runFor.toNanos();
    // SIGKILL in the short form: a SIGTERM'd DynamoDB Local can take seconds to exit.
    outages.inject(MODE == CampaignMode.SHORT || random.nextBoolean());
    fleet.join();
    do {
      // The short form has one outage; the full one also further outages and replaced workers.
      int dice = MODE == CampaignMode.SHORT ? 0 : random.nextInt(10);
      if (dice < 6) {
        intruder.round(shardIds.get(random.nextInt(shardIds.size())), FAILOVER.multipliedBy(5));
        staleRounds++;
      } else if (dice < 8) {
        outages.inject(random.nextBoolean());
      } else {
        fleet.replaceOne(random);
      }
      Thread.sleep(MODE.pick(200, 500 + random.nextInt(3_000))); // a random fault interval
    } while (System.nanoTime() < faultsUntil || staleRounds < 2);

    producer.close();
    Set<String> acknowledged = producer.acknowledged();
    Duration drain = Duration.ZERO;
    try {
      drain =
          Eventually.within(
              Duration.ofSeconds(60),
              "every acknowledged record to be processed",
              () -> processed.processedIds().containsAll(acknowledged));
    } catch (AssertionError e) {
      // Counted as lost below; the report is written first.
    }
    fleet.close();
    sampler.close();
    Set<String> missing = new HashSet<>(acknowledged);
    missing.removeAll(processed.processedIds());
    ProcessingLog.Overlap overlap = processed.longestOverlap();
    Duration ran = Duration.ofNanos(System.nanoTime() - started);

    CampaignReport.builder(3, "Lease store faults")
        .what(
            WORKERS
                + " kcl-lite workers (failover "
                + FAILOVER.toSeconds()
                + " s, renewal every "
                + FAILOVER.dividedBy(3).toMillis()
                + " ms; the third joins after the first outage, and the full form also replaces"
                + " workers, gracefully, at random) consume a "
                + shards
                + "-shard stream of the bundled engine, leases in file-backed DynamoDB Local, a"
                + " checkpoint after every batch. Faults: DynamoDB Local stopped (SIGKILL or"
                + " SIGTERM) until every worker let its leases go and at least "
                + Outages.OUTAGE_FACTOR
                + " x the failover time, then started again on the same port and file; and a"
                + " competing writer with a stale lease counter trying take, renew, checkpoint"
                + " (backwards), prepareCheckpoint and release. The lease table is sampled every"
                + " 100 ms for checkpoints moving backwards.")
        .ran(ran)
        .faults(outages.count() + (long) staleRounds * StaleLeaseWriter.WRITES_PER_ROUND)
        .records(acknowledged.size(), missing.size(), processed.duplicates())
        .worstRecovery(outages.worstRecovery(), "a shard unprocessed after DynamoDB Local was back")
        .figure(
            "store outages (SIGKILL / SIGTERM)",
            outages.count()
                + " ("
                + outages.kills()
                + " / "
                + (outages.count() - outages.kills())
                + ")")
        .figure("longest outage", CampaignReport.format(outages.longest()))
        .figure(
            "workers' leases all let go after the store went down (worst)",
            CampaignReport.format(outages.worstLetGo()))
        .figure(
            "records processed during outages, past the failover time",
            String.format("%,d", outages.processedWhileDown()))
        .figure(
            "stale writes refused / accepted / unanswered",
            intruder.refused() + " / " + intruder.accepted().size() + " / " + intruder.unanswered())
        .figure(
            "checkpoint samples (unanswered during outages)",
            String.format("%,d (%,d)", sampler.samples(), sampler.unanswered()))
        .figure("checkpoints moved backwards", Integer.toString(sampler.backwardsMoves().size()))
        .figure(
            "longest two-processor overlap on a shard (allowed: failover time)", overlap.toString())
        .figure("workers joined / left (graceful)", fleet.joined() + " / " + fleet.left())
        .figure(
            "leaseLost calls / checkpoints the store could not take",
            fleet.leasesLost() + " / " + fleet.failedCheckpoints())
        .figure("drain after the producer stopped", CampaignReport.format(drain))
        .note(
            "The overlap is the intersection of two processor instances' spans (first to last"
                + " record processed) on one shard, measured from per-record timestamps and worker"
                + " ids. docs/kcl-lite.md allows it up to the failover time: a lost lease's old"
                + " owner stops at its next failed write, a checkpoint or a renewal.")
        .note(
            "An outage lasts from the stop to the moment DynamoDB Local answers again, its"
                + " start-up included (seconds on a loaded machine). Records processed during"
                + " outages are counted from the failover time plus 1 s of grace for a batch in"
                + " flight after the server is gone.")
        .note(
            "The stale writer writes as a worker of its own id. Under the owner's own id, a"
                + " write one counter behind cannot be told from the SDK retrying the owner's"
                + " write that succeeded; DynamoDbLeaseStore then answers with the row as it is"
                + " and writes nothing, so that case is not counted as a fault.")
        .build()
        .write();

    assertThat(outages.count()).as("store outages injected").isGreaterThanOrEqualTo(1);
    assertThat(outages.shortest()).as("the shortest outage").isGreaterThan(FAILOVER);
    assertThat(outages.processedWhileDown())
        .as("records processed while the store was down, past the failover time")
        .isZero();
    assertThat(intruder.accepted()).as("stale writes the store accepted").isEmpty();
    assertThat(intruder.refused() + intruder.unanswered())
        .as("stale writes refused or unanswered")
        .isEqualTo((long) staleRounds * StaleLeaseWriter.WRITES_PER_ROUND);
    assertThat(intruder.refused()).as("stale writes refused").isPositive();
    assertThat(sampler.samples()).as("lease table samples").isPositive();
    assertThat(sampler.backwardsMoves()).as("checkpoints that moved backwards").isEmpty();
    assertThat(overlap.length())
        .as("the longest time two processors of one shard were active together: %s", overlap)
        .isLessThanOrEqualTo(FAILOVER);
    assertThat(missing).as("acknowledged records never processed").isEmpty();
    assertThat(producer.failed()).as("puts the engine refused").isZero();
  }

  private static DynamoDbLeaseStore store(
      RestartableDynamoDb dynamo, String table, Duration callTimeout) {
    return DynamoDbLeaseStore.create(
        LeaseStoreConfig.builder()
            .tableName(table)
            .endpoint(dynamo.endpoint())
            .credentials(CredentialsSource.staticKeys("local", "local"))
            .callTimeout(callTimeout)
            .build());
  }

  /**
   * Stops DynamoDB Local until every worker let its leases go and for at least {@link
   * #OUTAGE_FACTOR} times the failover time, starts it again and waits until every shard is
   * processed again; keeps the figures. Not thread-safe.
   */
  private static final class Outages {
    static final double OUTAGE_FACTOR = 1.5;

    private final RestartableDynamoDb dynamo;
    private final WorkerFleet fleet;
    private final ProcessingLog processed;
    private int count;
    private int kills;
    private long processedWhileDown;
    private Duration longest = Duration.ZERO;
    private Duration shortest;
    private Duration worstLetGo = Duration.ZERO;
    private Duration worstRecovery = Duration.ZERO;

    Outages(RestartableDynamoDb dynamo, WorkerFleet fleet, ProcessingLog processed) {
      this.dynamo = dynamo;
      this.fleet = fleet;
      this.processed = processed;
    }

    void inject(boolean crash) throws InterruptedException {
      long down = System.nanoTime();
      dynamo.stop(crash);
      // Gone now: no renewal sent from here on succeeds, so every lease is invalid a failover
      // time later. (A SIGTERM'd server may still answer while it shuts down.)
      long gone = System.nanoTime();
      count++;
      kills += crash ? 1 : 0;
      Duration letGo =
          Eventually.within(
              FAILOVER.multipliedBy(5),
              "every worker to let its leases go while the store is down",
              fleet::noneHoldsALease,
              fleet::holdings);
      worstLetGo = max(worstLetGo, letGo);
      long minimum = gone + (long) (FAILOVER.toNanos() * OUTAGE_FACTOR);
      long wait = minimum - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // the outage lasts its length; nothing is asserted here
      }
      long checkedUntil = System.nanoTime();
      dynamo.start();
      long back = System.nanoTime();
      Duration outage = Duration.ofNanos(back - down);
      longest = max(longest, outage);
      shortest = shortest == null || outage.compareTo(shortest) < 0 ? outage : shortest;
      processedWhileDown +=
          processed
              .processedBetween(gone + FAILOVER.plus(IN_FLIGHT_GRACE).toNanos(), checkedUntil)
              .size();
      Duration recovery =
          Eventually.within(
              Duration.ofSeconds(60),
              "every shard to be processed again after the store came back",
              () -> processed.lastProcessedNanos().values().stream().allMatch(t -> t > back),
              () -> "last processed (ms before the restart): " + agesBefore(back));
      worstRecovery = max(worstRecovery, recovery);
    }

    private Map<String, Long> agesBefore(long back) {
      Map<String, Long> ages = new java.util.TreeMap<>();
      processed.lastProcessedNanos().forEach((s, t) -> ages.put(s, (back - t) / 1_000_000));
      return ages;
    }

    private static Duration max(Duration a, Duration b) {
      return a.compareTo(b) >= 0 ? a : b;
    }

    int count() {
      return count;
    }

    int kills() {
      return kills;
    }

    long processedWhileDown() {
      return processedWhileDown;
    }

    Duration longest() {
      return longest;
    }

    Duration shortest() {
      return shortest == null ? Duration.ZERO : shortest;
    }

    Duration worstLetGo() {
      return worstLetGo;
    }

    Duration worstRecovery() {
      return worstRecovery;
    }
  }
}
