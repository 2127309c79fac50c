package io.kinesislite.examples;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.KinesisTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One worker process of the fleet: a {@link Worker} whose processors print every record, and a line
 * whenever the set of shards it holds changes. SIGTERM (or the parent closing standard input) runs
 * the shutdown hook, which shuts the worker down gracefully.
 */
@Command(name = "FleetMember", mixinStandardHelpOptions = true)
public final class FleetMember implements Callable<Integer> {
  @Mixin Target target = new Target();

  @Option(names = "--worker-id", required = true)
  String workerId;

  @Option(names = "--application", required = true)
  String application;

  @Option(names = "--stream", required = true)
  String stream;

  @Option(names = "--lease-dir", required = true)
  Path leaseDir;

  @Option(names = "--failover-seconds", defaultValue = "3")
  int failoverSeconds;

  public static void main(String[] args) {
    int exit = new CommandLine(new FleetMember()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    KinesisTransport kinesis = target.open();
    LeaseStore leases =
        target.awsRegion != null || target.dynamoDbEndpoint != null
            ? target.leases(application)
            : EmbeddedLeaseStore.sharedInDirectory(leaseDir, application);
    Worker worker =
        Worker.create(
            ConsumerConfig.builder()
                .applicationName(application)
                .streamName(stream)
                .workerId(workerId)
                .initialPosition(InitialPosition.trimHorizon())
                .failoverTime(Duration.ofSeconds(failoverSeconds))
                .takeInterval(Duration.ofMillis(500))
                .idleWait(Duration.ofMillis(250))
                .shutdownTimeout(Duration.ofSeconds(10))
                .build(),
            kinesis,
            leases,
            shardId -> new PrintingProcessor());
    ScheduledExecutorService reporter =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "held-reporter");
              t.setDaemon(true);
              return t;
            });
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  reporter.shutdownNow();
                  try {
                    worker.shutdown().get(15, TimeUnit.SECONDS);
                    say("stopped (checkpointed and released its leases)");
                  } catch (Exception e) {
                    say("stopped, not gracefully: " + e);
                  } finally {
                    worker.close();
                    leases.close();
                    kinesis.close();
                    done.countDown();
                  }
                },
                "fleet-member-shutdown"));
    worker.start();
    say("started as worker " + worker.workerId());
    AtomicReference<Set<String>> last = new AtomicReference<>(Set.of());
    reporter.scheduleWithFixedDelay(
        () -> {
          Set<String> now = new TreeSet<>(worker.heldShards());
          if (!now.equals(last.get())) {
            last.set(now);
            say("held " + now.size() + " " + String.join(",", now));
          }
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
    exitWhenStdinCloses();
    done.await(); // until the shutdown hook ran (the worker's threads are daemons)
    return 0;
  }

  /** The parent went away (it closes our standard input, or it died): exit, gracefully. */
  private static void exitWhenStdinCloses() {
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // discard
                }
              } catch (IOException e) {
                // the same as its end
              }
              System.exit(0);
            },
            "stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }

  /** Prints each record as {@code record SHARD DATA}, then checkpoints the batch. */
  private static final class PrintingProcessor implements RecordProcessor {
    private String shardId;

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      this.shardId = shardId;
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> batch, Checkpointer checkpointer, long millisBehind) {
      for (ConsumerRecord r : batch) {
        say("record " + shardId + " " + StandardCharsets.UTF_8.decode(r.data()));
      }
      checkpointer.checkpoint();
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
