package io.kinesislite.examples;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.Shard;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Moving a KCL 2.x/3.x consumer to kcl-lite: the worker opens the KCL application's own lease table
 * (its name is the KCL application name) and resumes every shard after the checkpoint the KCL left
 * in it; the application's {@code ShardRecordProcessor} becomes a {@link RecordProcessor} with the
 * same five callbacks. See {@code docs/migrating-from-kcl.md}.
 *
 * <p>With {@code --dynamodb-endpoint URI} or {@code --aws REGION} the table is the KCL's DynamoDB
 * table. On the embedded default (and whenever the table holds no lease yet) the program first
 * plays the KCL application's part: it writes {@code --records} records and leaves the table as a
 * KCL worker that processed half of them and stopped would: one lease per shard, owned by {@code
 * kcl-worker-1}, checkpointed at that record. Then kcl-lite takes over: it waits the failover time
 * for the stopped worker's leases to expire (a KCL worker does not give its leases up when it
 * stops), takes them, and processes exactly the records after the checkpoints.
 *
 * <pre>
 * examples/run KclMigrationExample                                   # embedded, a seeded table
 * examples/run KclMigrationExample --aws eu-west-1 --application orders-app --stream orders \
 *     --run-seconds 60                                               # the KCL app's real table
 * </pre>
 */
@Command(
    name = "KclMigrationExample",
    mixinStandardHelpOptions = true,
    description = "Resumes a KCL application's shards from its lease table with kcl-lite.")
public final class KclMigrationExample implements Callable<Integer> {
  /** The owner a seeded lease names: the KCL worker that stopped. */
  static final String KCL_WORKER = "kcl-worker-1";

  @Mixin Target target = new Target();

  @Option(
      names = "--application",
      description =
          "The KCL application's name, which is its lease table's name. Default: ${DEFAULT-VALUE}.",
      defaultValue = "orders-app")
  String application;

  @Option(
      names = "--stream",
      description = "The stream the KCL application consumes. Default: ${DEFAULT-VALUE}.",
      defaultValue = "orders")
  String stream;

  @Option(
      names = "--records",
      description =
          "Records to write when the table holds no lease yet (half before the seeded"
              + " checkpoints). Default: ${DEFAULT-VALUE}.",
      defaultValue = "20")
  int records;

  @Option(
      names = "--expect",
      description =
          "Stop once this many records were processed. Default: the records after the seeded"
              + " checkpoints, if seeded; else run for --run-seconds.")
  Integer expect;

  @Option(
      names = "--run-seconds",
      description = "The longest to run. Default: ${DEFAULT-VALUE}.",
      defaultValue = "60")
  int runSeconds;

  @Option(
      names = "--failover-seconds",
      description =
          "How long a lease's counter must stand still before it is taken: the KCL's"
              + " failoverTimeMillis (10 s by default in the KCL). Default: ${DEFAULT-VALUE}.",
      defaultValue = "3")
  int failoverSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new KclMigrationExample()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    run(System.out);
    return 0;
  }

  /**
   * What a run did: the leases as found (or seeded), where each shard's processor started, and the
   * records processed, per shard in order.
   */
  record Result(
      boolean seeded,
      Map<String, Lease> before,
      Map<String, Checkpoint> startedAfter,
      Map<String, List<String>> processed,
      Map<String, Lease> after) {
    int processedCount() {
      return processed.values().stream().mapToInt(List::size).sum();
    }
  }

  Result run(PrintStream out) throws InterruptedException {
    try (KinesisTransport kinesis = target.open();
        // The KCL's table: DynamoDbLeaseStore over table `application` with --aws or
        // --dynamodb-endpoint, else an EmbeddedLeaseStore (see Target.leases).
        LeaseStore leases = target.leases(application)) {
      ensureStream(kinesis, out);
      leases.ensureTable();
      Map<String, Lease> before = byKey(leases.list());
      boolean seeded = before.isEmpty();
      int afterCheckpoints = -1;
      if (seeded) {
        afterCheckpoints = seedLikeTheKcl(kinesis, leases, out);
        before = byKey(leases.list());
      } else {
        out.println("the KCL's lease table " + application + " holds " + before.size() + " leases");
      }
      before.values().forEach(l -> out.println("  " + describe(l)));
      int stopAt = expect != null ? expect : afterCheckpoints;

      Progress progress = new Progress();
      // Scheduler + ConfigsBuilder(stream, applicationName, kinesis, dynamo, cloudwatch, workerId,
      // factory) become Worker.create(ConsumerConfig, transport, leases, factory).
      ConsumerConfig config =
          ConsumerConfig.builder()
              .applicationName(application) // the KCL's applicationName (= its tableName)
              .streamName(stream)
              .workerId("kcl-lite-1")
              .initialPosition(InitialPosition.trimHorizon()) // only for shards without a lease
              .failoverTime(Duration.ofSeconds(failoverSeconds))
              .takeInterval(Duration.ofMillis(500))
              .idleWait(Duration.ofMillis(200))
              .build();
      out.println(
          "kcl-lite worker starting; leases still owned by a stopped worker are taken once their"
              + " counter stood still for "
              + failoverSeconds
              + " s");
      try (Worker worker =
          Worker.create(config, kinesis, leases, shardId -> new OrderProcessor(progress, out))) {
        worker.start();
        boolean done =
            progress.await(
                stopAt >= 0 ? stopAt : Integer.MAX_VALUE, Duration.ofSeconds(runSeconds));
        out.println(
            (done ? "processed " : "stopping after " + runSeconds + " s; processed ")
                + progress.count()
                + " records");
        // Scheduler.startGracefulShutdown() becomes worker.shutdown(): processors checkpoint in
        // shutdownRequested, and (unlike the KCL) the leases are released for other workers.
        worker.shutdown().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("the worker did not shut down: " + e, e);
      }
      Map<String, Lease> after = byKey(leases.list());
      out.println("the lease table afterwards:");
      after.values().forEach(l -> out.println("  " + describe(l)));
      return new Result(seeded, before, progress.startedAfter(), progress.processed(), after);
    }
  }

  /**
   * Plays the KCL application: writes the records, and for each shard a lease as a KCL worker that
   * processed the first half and then stopped leaves it. Returns how many records lie after the
   * checkpoints.
   */
  private int seedLikeTheKcl(KinesisTransport kinesis, LeaseStore leases, PrintStream out) {
    out.println(
        "the table "
            + application
            + " holds no lease: writing "
            + records
            + " records and leaving the table as a KCL worker that processed the first "
            + records / 2
            + " would");
    Map<String, String> lastSeenByKcl = new TreeMap<>();
    for (int i = 0; i < records; i++) {
      byte[] data = ("order-" + i).getBytes(StandardCharsets.UTF_8);
      PutResult put = kinesis.putRecord(stream, PutEntry.of("customer-" + i, data)).join();
      if (i < records / 2) {
        lastSeenByKcl.put(put.shardId(), put.sequenceNumber());
      }
    }
    for (Shard shard : kinesis.listShards(stream).join()) {
      String seq = lastSeenByKcl.get(shard.shardId());
      // What the KCL writes: leaseKey, leaseOwner, leaseCounter, checkpoint,
      // checkpointSubSequenceNumber, ownerSwitchesSinceCheckpoint, parentShardId, hash keys.
      leases.createIfAbsent(
          new Lease(
              shard.shardId(),
              Optional.of(KCL_WORKER),
              17,
              seq == null ? Checkpoint.TRIM_HORIZON : Checkpoint.at(seq, 0),
              Optional.empty(),
              0,
              shard.parentShardId().map(Set::of).orElse(Set.of()),
              Set.of(),
              Optional.of(shard.hashKeyRange()),
              Optional.empty()));
    }
    return records - records / 2;
  }

  private void ensureStream(KinesisTransport kinesis, PrintStream out) {
    try {
      kinesis.describeStream(stream).join();
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (!(cause instanceof ResourceNotFoundException) || !target.embedded()) {
        throw e;
      }
      kinesis.createStream(stream, 2).join();
      out.println("created the stream " + stream + " with 2 shards");
    }
    kinesis.awaitStreamActive(stream, Duration.ofMinutes(2)).join();
  }

  private static Map<String, Lease> byKey(List<Lease> leases) {
    Map<String, Lease> byKey = new TreeMap<>();
    leases.forEach(l -> byKey.put(l.leaseKey(), l));
    return byKey;
  }

  private static String describe(Lease l) {
    return l.leaseKey()
        + ": owner "
        + l.owner().orElse("none")
        + ", counter "
        + l.counter()
        + ", checkpoint "
        + l.checkpoint();
  }

  /** Records processed so far, per shard; waited on with a bound. Thread-safe. */
  static final class Progress {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, List<String>> processed = new TreeMap<>(); // guarded by lock
    private final Map<String, Checkpoint> startedAfter = new ConcurrentHashMap<>();
    private int count; // guarded by lock

    void started(String shardId, Checkpoint after) {
      startedAfter.put(shardId, after);
    }

    void processed(String shardId, List<String> batch) {
      lock.lock();
      try {
        processed.computeIfAbsent(shardId, s -> new ArrayList<>()).addAll(batch);
        count += batch.size();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    boolean await(int atLeast, Duration timeout) throws InterruptedException {
      long left = timeout.toNanos();
      lock.lock();
      try {
        while (count < atLeast) {
          if (left <= 0) {
            return false;
          }
          left = changed.awaitNanos(left);
        }
        return true;
      } finally {
        lock.unlock();
      }
    }

    int count() {
      lock.lock();
      try {
        return count;
      } finally {
        lock.unlock();
      }
    }

    Map<String, List<String>> processed() {
      lock.lock();
      try {
        Map<String, List<String>> copy = new TreeMap<>();
        processed.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
      } finally {
        lock.unlock();
      }
    }

    Map<String, Checkpoint> startedAfter() {
      return Map.copyOf(startedAfter);
    }
  }

  /**
   * The application's processor, moved from the KCL's {@code ShardRecordProcessor}:
   *
   * <ul>
   *   <li>{@code initialize(InitializationInput in)} → {@code initialize(shardId,
   *       startingPosition)} ({@code in.shardId()}, {@code in.extendedSequenceNumber()});
   *   <li>{@code processRecords(ProcessRecordsInput in)} → {@code processRecords(records,
   *       checkpointer, millisBehind)} ({@code in.records()}, {@code in.checkpointer()}, {@code
   *       in.millisBehindLatest()}); {@code KinesisClientRecord} → {@link ConsumerRecord};
   *   <li>{@code leaseLost(LeaseLostInput)} → {@code leaseLost()};
   *   <li>{@code shardEnded(ShardEndedInput in)} → {@code shardEnded(checkpointer)}, which must
   *       checkpoint, as in the KCL;
   *   <li>{@code shutdownRequested(ShutdownRequestedInput in)} → {@code
   *       shutdownRequested(checkpointer)}.
   * </ul>
   */
  private static final class OrderProcessor implements RecordProcessor {
    private final Progress progress;
    private final PrintStream out;
    private String shardId;

    OrderProcessor(Progress progress, PrintStream out) {
      this.progress = progress;
      this.out = out;
    }

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      this.shardId = shardId;
      progress.started(shardId, startingPosition);
      out.println("  " + shardId + ": resuming after " + startingPosition);
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      List<String> batch = new ArrayList<>(records.size());
      for (ConsumerRecord r : records) {
        batch.add(StandardCharsets.UTF_8.decode(r.data()).toString());
      }
      out.println("  " + shardId + ": " + batch);
      // in.checkpointer().checkpoint() becomes checkpointer.checkpoint(); the KCL's checked
      // exceptions (ShutdownException, ThrottlingException, ...) are unchecked here.
      checkpointer.checkpoint();
      progress.processed(shardId, batch);
    }

    @Override
    public void leaseLost() {}

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      checkpointer.checkpoint();
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {
      checkpointer.checkpoint();
    }
  }
}
