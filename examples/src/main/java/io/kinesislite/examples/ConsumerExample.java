package io.kinesislite.examples;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.KinesisTransport;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A kcl-lite consumer application: a {@link Worker} leases the stream's shards and runs one {@link
 * RecordProcessor} per shard, which checkpoints every {@code --checkpoint-every} records or every
 * {@code --checkpoint-interval}, whichever comes first, and on a graceful shutdown.
 *
 * <p>SIGTERM (or Ctrl-C) runs a shutdown hook that calls {@code worker.shutdown().join()}: every
 * processor checkpoints in {@code shutdownRequested} and the leases are released, so a restart (or
 * another worker) resumes exactly after the last record processed. {@code --duration} stops it by
 * itself. The interval is checked when records arrive: an idle shard's last records are
 * checkpointed with the next batch or at shutdown. At the end it prints the records processed per
 * shard.
 *
 * <p>On the embedded engine nothing else writes to the stream, so it first creates the stream and
 * puts {@code --seed} records into it (default 1000 there, 0 elsewhere).
 *
 * <p>Run it (build once: {@code mvn -B -ntp -q -pl examples -am package -DskipTests}):
 *
 * <pre>
 * examples/run ConsumerExample --duration 10s                     # embedded engine, in memory
 * examples/run ConsumerExample --transport embedded:/tmp/kl-data  # durable: restarts resume
 * examples/run ConsumerExample --aws us-east-1 --stream my-stream # lease table in DynamoDB
 * </pre>
 */
@Command(
    name = "ConsumerExample",
    mixinStandardHelpOptions = true,
    description = "Consumes a stream with kcl-lite, checkpointing every N records or T.")
public final class ConsumerExample implements Callable<Integer> {
  @Mixin Target target;
  @Spec CommandSpec spec;

  @Option(names = "--stream", description = "Default: ${DEFAULT-VALUE}.")
  String stream = "kinesis-lite-example";

  @Option(
      names = "--application",
      description = "Application name, also the lease table's. Default: ${DEFAULT-VALUE}.")
  String application = "kinesis-lite-example-consumer";

  @Option(names = "--checkpoint-every", description = "Records. Default: ${DEFAULT-VALUE}.")
  int checkpointEvery = 1000;

  @Option(
      names = "--checkpoint-interval",
      converter = DurationConverter.class,
      description = "Default: 10s.")
  Duration checkpointInterval = Duration.ofSeconds(10);

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Stop after this long. Default: run until SIGTERM.")
  Duration duration;

  @Option(names = "--seed", description = "Records to put first. Default: 1000 embedded, else 0.")
  Integer seed;

  @Option(names = "--shards", description = "Shards of a stream created here. Default: 2.")
  int shards = 2;

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final Map<String, Counts> perShard = new ConcurrentSkipListMap<>();

  /** What one shard's processors did, for the summary. */
  private record Counts(AtomicLong records, AtomicLong checkpoints) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new ConsumerExample()).execute(args));
  }

  /** Stops the example as {@code --duration} running out does; for embedding it, and tests. */
  public void requestStop() {
    stopRequested.countDown();
  }

  /** Records processed so far, over every shard. */
  public long recordsProcessed() {
    return perShard.values().stream().mapToLong(c -> c.records().get()).sum();
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    int seedCount = seed != null ? seed : target.embedded() ? 1000 : 0;
    try (KinesisTransport kinesis = target.open();
        LeaseStore leases = target.leases(application)) {
      if (!ExampleStreams.prepare(target, kinesis, stream, shards, spec.commandLine().getErr())) {
        return 2;
      }
      if (seedCount > 0) {
        out.printf(
            "seeded %s with %d records%n", stream, ExampleStreams.seed(kinesis, stream, seedCount));
      }
      ConsumerConfig config =
          ConsumerConfig.builder()
              .applicationName(application)
              .streamName(stream)
              .initialPosition(InitialPosition.trimHorizon()) // shards without a checkpoint
              .build();
      CountDownLatch finished = new CountDownLatch(1);
      try (Worker worker = Worker.create(config, kinesis, leases, shardId -> new Processor(out))) {
        Thread hook =
            new Thread(
                () -> {
                  worker.shutdown().join(); // SIGTERM: processors checkpoint, leases released
                  requestStop(); // wake the main thread, which prints the counts ...
                  awaitQuietly(finished); // ... before the JVM exits
                },
                "consumer-example-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
          worker.start();
          out.printf("worker %s consuming %s%n", worker.workerId(), stream);
          stopRequested.await(
              duration == null ? Long.MAX_VALUE : duration.toMillis(), MILLISECONDS);
          worker.shutdown().join(); // the same graceful shutdown (a no-op after the hook's)
        } finally {
          removeQuietly(hook);
        }
      } finally {
        perShard.forEach(
            (shard, c) ->
                out.printf(
                    "shard %s: %d records, %d checkpoints%n",
                    shard, c.records().get(), c.checkpoints().get()));
        out.printf("processed %d records from %d shards%n", recordsProcessed(), perShard.size());
        out.flush();
        finished.countDown();
      }
    }
    return 0;
  }

  /** One per shard lease, called on that shard's thread. */
  private final class Processor implements RecordProcessor {
    private final PrintWriter out;
    private Counts counts;
    private long sinceCheckpoint;
    private long lastCheckpointNanos;

    Processor(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void initialize(String shardId, Checkpoint start) {
      counts =
          perShard.computeIfAbsent(shardId, s -> new Counts(new AtomicLong(), new AtomicLong()));
      lastCheckpointNanos = System.nanoTime();
      out.printf("shard %s: starting after %s%n", shardId, start);
    }

    @Override
    public void processRecords(List<ConsumerRecord> records, Checkpointer checkpointer, long ms) {
      for (ConsumerRecord record : records) {
        process(record);
        counts.records().incrementAndGet();
        if (++sinceCheckpoint >= checkpointEvery) {
          checkpoint(checkpointer, record.checkpoint()); // exactly after this record
        }
      }
      if (sinceCheckpoint > 0
          && System.nanoTime() - lastCheckpointNanos >= checkpointInterval.toNanos()) {
        checkpoint(checkpointer, null);
      }
    }

    private void process(ConsumerRecord record) {
      if (counts.records().get() == 0) { // your code here; this one shows each shard's first record
        out.printf("first record: %s%n", new String(record.dataBytes(), StandardCharsets.UTF_8));
      }
    }

    private void checkpoint(Checkpointer checkpointer, Checkpoint at) {
      if (at == null) {
        checkpointer.checkpoint(); // the last record of the batch
      } else {
        checkpointer.checkpoint(at);
      }
      counts.checkpoints().incrementAndGet();
      sinceCheckpoint = 0;
      lastCheckpointNanos = System.nanoTime();
    }

    @Override
    public void leaseLost() {
      // Another worker has the shard now: do not checkpoint (it would fail). It resumes after our
      // last checkpoint, so the records since then are processed again there.
    }

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      checkpoint(checkpointer, null); // records SHARD_END; the children start after it
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {
      if (sinceCheckpoint > 0) {
        checkpoint(checkpointer, null); // everything delivered has been processed
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60_000, MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeQuietly(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running
    }
  }
}
