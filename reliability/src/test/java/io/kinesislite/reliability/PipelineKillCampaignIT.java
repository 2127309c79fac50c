package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kcl.DynamoDbLeaseStore;
import io.kinesislite.kcl.LeaseStoreConfig;
import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.testkit.internal.Ports;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign 1, the pipeline under kill: a log file the test writes (unique numbered lines) is tailed
 * by the log agent, shipped through kpl-lite to {@code serve} (durable, sync {@code always}) and
 * consumed by three kcl-lite workers with their leases in DynamoDB Local, each part in a JVM of its
 * own. At random intervals (a seeded {@link Random}; the seed is printed and reported) the campaign
 * SIGKILLs and restarts the agent, a worker or serve, rotates the log by rename or by copytruncate,
 * or splits or merges a shard. Then the writer stops, everything drains, and the lines written are
 * compared with the union of the records the workers processed: none may be lost. Duplicates are
 * counted, as is the longest time a shard went unprocessed while a record of it waited.
 *
 * <p>Set {@code -Dkinesislite.reliability.seed=N} to repeat a run's faults. The parts' logs and
 * outputs are kept in the temporary directory (printed) when the campaign fails.
 *
 * <p>One test method, driven by one thread (the faults never overlap); not thread-safe.
 */
class PipelineKillCampaignIT {
  private static final int SHARDS = 3;
  private static final int WORKERS = 3;
  private static final Duration FAILOVER = Duration.ofSeconds(4);
  private static final Duration TAKE_INTERVAL = Duration.ofMillis(500);
  private static final Duration STARTUP_BOUND = Duration.ofSeconds(90);

  private final CampaignMode mode = CampaignMode.current();
  private final Duration runFor = mode.pick(Duration.ofSeconds(20), Duration.ofMinutes(5));
  private final Duration minPause = mode.pick(Duration.ofMillis(800), Duration.ofSeconds(2));
  private final Duration maxPause = mode.pick(Duration.ofMillis(2_000), Duration.ofSeconds(6));
  private final int linesPerSecond = (int) mode.pick(300, 400);
  private final Duration drainBound = mode.pick(Duration.ofSeconds(90), Duration.ofMinutes(3));

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private DynamoDbLocal dynamo;
  private PipelineProcesses processes;
  private NumberedLog log;
  private KinesisTransport admin;
  private DynamoDbLeaseStore leaseTable;

  @AfterEach
  void stopEverything() throws Exception {
    // Reverse order of start; each step runs even if an earlier one failed.
    try {
      if (log != null) {
        log.close();
      }
    } finally {
      try {
        if (processes != null) {
          processes.close();
        }
      } finally {
        if (admin != null) {
          admin.close();
        }
        if (leaseTable != null) {
          leaseTable.close();
        }
        if (dynamo != null) {
          dynamo.close();
        }
      }
    }
  }

  @Test
  void noLineWrittenIsLostWhileThePipelineIsKilledRotatedAndResharded() throws Exception {
    long seed = Long.getLong("kinesislite.reliability.seed", System.nanoTime());
    System.out.printf(
        "PipelineKillCampaignIT: %s form, seed %d (-Dkinesislite.reliability.seed=%d repeats"
            + " it), files in %s%n",
        mode.label(), seed, seed, dir);
    FaultSchedule<PipelineFault> schedule =
        new FaultSchedule<>(new Random(seed), PipelineFault.class, minPause, maxPause);
    String stream = UniqueNames.stream("pipeline-kill");
    String table = UniqueNames.table("pipeline-kill-leases");
    Path logs = Files.createDirectories(dir.resolve("logs"));
    processes =
        new PipelineProcesses(
            dir,
            Ports.free(),
            stream,
            table,
            WORKERS,
            FAILOVER,
            TAKE_INTERVAL,
            logs.resolve("app.log*").toString());

    // DynamoDB Local and serve start side by side: two JVM start-ups are most of the setup.
    CompletableFuture<DynamoDbLocal> dynamoStart = new CompletableFuture<>();
    Thread starter =
        new Thread(
            () -> {
              try {
                // CI mode: a DynamoDB Local that cannot start fails the campaign, never skips it.
                dynamoStart.complete(
                    DynamoDbLocal.start(DynamoDbLocal.Options.builder().ciMode(true).build()));
              } catch (Throwable t) {
                dynamoStart.completeExceptionally(t);
              }
            },
            "dynamodb-local-start");
    starter.start();
    try {
      processes.startServe();
    } finally {
      starter.join(TimeUnit.MINUTES.toMillis(2));
      dynamo = dynamoStart.getNow(null);
    }
    assertThat(dynamo).as("DynamoDB Local started: %s", dynamoStart).isNotNull();

    admin =
        Transports.open(
            TransportConfig.builder()
                .selection(processes.endpoint())
                .callTimeout(Duration.ofSeconds(10))
                .connectTimeout(Duration.ofSeconds(1))
                .build());
    admin.createStream(stream, SHARDS).get(30, TimeUnit.SECONDS);
    admin.awaitStreamActive(stream, Duration.ofSeconds(30)).get(40, TimeUnit.SECONDS);
    leaseTable =
        DynamoDbLeaseStore.create(
            LeaseStoreConfig.builder()
                .tableName(table)
                .endpoint(dynamo.endpoint())
                .credentials(CredentialsSource.staticKeys("local", "local"))
                // Only creates the table: the first call of a cold client to a DynamoDB Local that
                // has just started took over 2 s on a loaded machine (the workers keep 2 s, below
                // their failover time, and retry).
                .callTimeout(Duration.ofSeconds(30))
                .build());
    leaseTable.ensureTable();
    processes.startWorkers(dynamo.endpoint().toString());
    log = new NumberedLog(logs.resolve("app.log"), linesPerSecond);
    log.start();
    processes.startAgent();

    DeliveryTally tally = new DeliveryTally(processes.workerOutputs());
    Eventually.within(
        STARTUP_BOUND,
        "the first lines written are processed",
        () -> {
          tally.poll();
          return tally.distinct() > 0;
        },
        processes::logTails);

    // The chaos: until the run's time is up and every kind of fault has come at least once.
    Resharder resharder = new Resharder(admin, stream, schedule.random(), 2, 5);
    FaultTimeline faults = new FaultTimeline();
    long chaosStart = System.nanoTime();
    long runStartMillis = System.currentTimeMillis();
    while (System.nanoTime() - chaosStart < runFor.toNanos() || !schedule.everyKindDrawn()) {
      assertThat(Duration.ofNanos(System.nanoTime() - chaosStart))
          .as("time to inject every kind of fault once")
          .isLessThan(runFor.multipliedBy(4));
      Thread.sleep(schedule.nextPause().toMillis()); // the random interval between faults
      processes.assertAllAlive();
      PipelineFault planned = schedule.nextFault();
      long at = System.currentTimeMillis() - runStartMillis;
      FaultTimeline.Event event = inject(planned, resharder, schedule.random(), at);
      faults.add(event);
      System.out.println("PipelineKillCampaignIT: " + event);
    }
    Duration chaos = Duration.ofNanos(System.nanoTime() - chaosStart);
    processes.assertAllAlive();

    // Drain: the writer stops, and every line written must reach a worker.
    long written = log.stop();
    long drainStart = System.nanoTime();
    AssertionError drainFailure = null;
    try {
      Eventually.within(
          drainBound,
          "every one of the " + written + " lines written is processed",
          () -> {
            tally.poll();
            return tally.missing(written) == 0;
          },
          () -> tally.missing(written) + " missing, the first " + tally.firstMissing(written, 10));
    } catch (AssertionError e) {
      drainFailure = e;
    }
    Duration drain = Duration.ofNanos(System.nanoTime() - drainStart);
    tally.poll();
    long lost = tally.missing(written);
    int openShards = resharder.openShards().size();
    long agentLoss =
        processes.agentLogLines("were never shipped")
            + processes.agentLogLines("could be read; reading it again");
    writeReport(
        new Outcome(
            seed, chaos, drain, written, tally, faults, openShards, agentLoss, runStartMillis));

    String failureContext = "\nseed " + seed + "; faults:\n" + faults + processes.logTails();
    assertThat(lost)
        .as(
            "lines lost of %d written (first missing %s)%s%s",
            written,
            tally.firstMissing(written, 20),
            drainFailure == null ? "" : "; " + drainFailure.getMessage(),
            failureContext)
        .isZero();
    assertThat(tally.foreign()).as("output lines that are not lines written").isEmpty();
    assertThat(tally.beyond(written)).as("lines processed that were never written").isZero();
    assertThat(written).as("lines written").isGreaterThan(linesPerSecond * runFor.toSeconds() / 2);
    for (PipelineFault kind : PipelineFault.values()) {
      assertThat(faults.count(kind)).as("count of %s", kind.label()).isPositive();
    }
    assertThat(tally.shards().size())
        .as("shards with records processed (the first %d and the children of resharding)", SHARDS)
        .isGreaterThan(SHARDS);
    processes.assertAllAlive();
  }

  /** What a run came to, for its report. */
  private record Outcome(
      long seed,
      Duration chaos,
      Duration drain,
      long written,
      DeliveryTally tally,
      FaultTimeline faults,
      int openShards,
      long agentLoss,
      long runStartMillis) {}

  private void writeReport(Outcome o) {
    DeliveryTally tally = o.tally();
    DeliveryTally.Gap gap = tally.longestUnprocessed();
    FaultTimeline.Event before = o.faults().lastBefore(gap.endedAtMillis() - o.runStartMillis());

    CampaignReport.Builder report =
        CampaignReport.builder(1, "Pipeline under kill")
            .what(
                "A test writes numbered lines to a log file at "
                    + linesPerSecond
                    + " lines/s; log-agent (own JVM) tails it and ships it through kpl-lite to"
                    + " `serve` (own JVM, durable, sync `always`), consumed by "
                    + WORKERS
                    + " kcl-lite worker processes with leases in DynamoDB Local (failover "
                    + FAILOVER.toSeconds()
                    + " s). At random intervals ("
                    + CampaignReport.format(minPause)
                    + " to "
                    + CampaignReport.format(maxPause)
                    + " between faults) it SIGKILLs and restarts the agent, a worker or `serve`,"
                    + " rotates the log by rename or by copytruncate, or splits or merges a shard"
                    + " (kept between 2 and 5 open). Then the writer stops, the pipeline drains,"
                    + " and the lines written are compared with the union of the workers' output"
                    + " files.")
            .ran(o.chaos())
            .faults(o.faults().total())
            .records(o.written(), tally.missing(o.written()), tally.duplicates())
            .worstRecovery(Duration.ofMillis(gap.millis()), "longest a shard went unprocessed")
            .figure("seed", Long.toString(o.seed()));
    for (PipelineFault kind : PipelineFault.values()) {
      report.figure(kind.label(), Integer.toString(o.faults().count(kind)));
    }
    o.faults()
        .slowestRestarts()
        .forEach((kind, d) -> report.figure("slowest " + kind.label(), CampaignReport.format(d)));
    report
        .figure(
            "records processed (repeats included)",
            String.format(Locale.ROOT, "%,d", tally.records()))
        .figure(
            "duplicates: re-read at the same stream position",
            String.format(Locale.ROOT, "%,d", tally.reprocessed()))
        .figure(
            "duplicates: sent again (a new stream position)",
            String.format(Locale.ROOT, "%,d", tally.duplicates() - tally.reprocessed()))
        .figure(
            "worst lag, arrival at serve to first processing",
            CampaignReport.format(Duration.ofMillis(tally.worstLagMillis())))
        .figure(
            "of the rotations, while the agent was down",
            Integer.toString(o.faults().rotationsWhileDown()))
        .figure("drain after the writer stopped", CampaignReport.format(o.drain()))
        .figure("open shards at the end", Integer.toString(o.openShards()))
        .figure(
            "agent reports of lost bytes (truncated unread, file gone)",
            Long.toString(o.agentLoss()))
        .note(
            "Longest a shard went unprocessed: for each record, the time from when it was ready"
                + " on its shard (its arrival at `serve`, or the previous processing of any record"
                + " of that shard, whichever is later) until a worker processed it, from the"
                + " workers' per-record timestamps; the maximum over all records and shards. It"
                + " counts dead workers, a dead `serve` and children waiting for their parents,"
                + " but not stretches in which no record was waiting. This run's longest: "
                + gap.shardId()
                + ", ending "
                + CampaignReport.format(Duration.ofMillis(gap.endedAtMillis() - o.runStartMillis()))
                + " into the run"
                + (before == null ? "" : ", after the fault at " + before.describe())
                + ".")
        .note(
            "The seed fixes the faults, their order and the pauses between them (add"
                + " `-Dkinesislite.reliability.seed="
                + o.seed()
                + "` to the command below); how long each part takes to restart, and so the exact"
                + " interleaving, differs from run to run.")
        .note(
            "copytruncate: the writer copies and truncates between two of its writes, so no line"
                + " is written between the copy and the truncation. A live application writes"
                + " on in that window and any tailer loses those lines; the agent documents this."
                + " Every other line must arrive, and did if lost is 0.")
        .note(
            "Duplicates are expected and allowed: a killed agent sends again what was not in its"
                + " last saved state, a killed `serve` may have stored a put whose answer it never"
                + " sent, and a worker killed or taking a shard over re-reads from the last"
                + " checkpoint.");
    report.build().write();
  }

  private FaultTimeline.Event inject(
      PipelineFault planned, Resharder resharder, Random random, long at) throws Exception {
    switch (planned) {
      case KILL_AGENT -> {
        // Half the time the log rotates while the agent is down, as logrotate may run then: the
        // agent must recognise the moved file by inode, or the copy by its first bytes alone.
        PipelineFault rotation =
            random.nextBoolean()
                ? null
                : random.nextBoolean()
                    ? PipelineFault.ROTATE_RENAME
                    : PipelineFault.ROTATE_COPYTRUNCATE;
        List<Path> rotated = new ArrayList<>();
        Duration restart =
            processes.killAndRestartAgent(
                () -> {
                  if (rotation != null) {
                    rotated.add(rotate(rotation));
                  }
                });
        String what =
            rotation == null
                ? "SIGKILL agent"
                : "SIGKILL agent, rotated by "
                    + rotationName(rotation)
                    + " to "
                    + rotated.get(0).getFileName()
                    + " while it was down";
        return new FaultTimeline.Event(planned, at, what, restart, rotation);
      }
      case KILL_WORKER -> {
        int i = random.nextInt(processes.workerCount());
        Duration restart = processes.killAndRestartWorker(i);
        return new FaultTimeline.Event(
            planned, at, "SIGKILL " + PipelineProcesses.workerId(i), restart);
      }
      case KILL_SERVE -> {
        Duration restart = processes.killAndRestartServe();
        return new FaultTimeline.Event(planned, at, "SIGKILL serve", restart);
      }
      case ROTATE_RENAME, ROTATE_COPYTRUNCATE -> {
        Path to = rotate(planned);
        return new FaultTimeline.Event(
            planned, at, "rotated by " + rotationName(planned) + " to " + to.getFileName(), null);
      }
      case SPLIT_SHARD, MERGE_SHARDS -> {
        Resharder.Done done =
            planned == PipelineFault.SPLIT_SHARD ? resharder.split() : resharder.merge();
        return new FaultTimeline.Event(done.kind(), at, done.description(), null);
      }
      default -> throw new IllegalStateException("unknown fault " + planned);
    }
  }

  private Path rotate(PipelineFault kind) throws Exception {
    NumberedLog.Rotation how =
        kind == PipelineFault.ROTATE_RENAME
            ? NumberedLog.Rotation.RENAME
            : NumberedLog.Rotation.COPYTRUNCATE;
    return log.rotate(how).get(30, TimeUnit.SECONDS);
  }

  private static String rotationName(PipelineFault kind) {
    return kind == PipelineFault.ROTATE_RENAME ? "rename" : "copytruncate";
  }
}
