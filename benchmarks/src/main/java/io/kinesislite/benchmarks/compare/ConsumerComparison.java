package io.kinesislite.benchmarks.compare;

import io.kinesislite.benchmarks.ServeMain;
import io.kinesislite.benchmarks.compare.WorkerReport.Line;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * kcl-lite against the real KCL 3.5.1: two worker processes per side drain the same backlog from
 * {@code serve} with their leases in DynamoDB Local, then, with a trickle of records flowing, the
 * lease-table calls are counted, one worker is SIGKILLed and a third joins. See {@link
 * #settings(Mode)} for what is measured and how.
 */
public final class ConsumerComparison implements Comparison {
  static final String NAME = "consumer";
  static final String PEER = "KCL 3.5.1";

  /** By name: the class needs the peers' jars, which this JVM may not have. */
  static final String KCL_MAIN = "io.kinesislite.benchmarks.compare.KclWorkerMain";

  static final int SHARDS = 4;
  static final int RECORD_BYTES = 100;
  static final int KEYS = 4096;
  static final int TRICKLE_PER_SECOND = 20;
  private static final int PRODUCE_CHUNK = 10_000;
  private static final List<String> WORKER_JVM = List.of("-Xmx1g");

  /** The two sides. */
  enum Side {
    LITE("kcl-lite", KclLiteWorkerMain.class.getName(), false),
    KCL("kcl", KCL_MAIN, true);

    final String tag;
    final String mainClass;
    final boolean withPeers;

    Side(String tag, String mainClass, boolean withPeers) {
      this.tag = tag;
      this.mainClass = mainClass;
      this.withPeers = withPeers;
    }
  }

  /**
   * What a mode measures with.
   *
   * @param records user records in the backlog
   * @param failover both sides' failover time (the KCL's failoverTimeMillis, kcl-lite's
   *     failoverTime)
   * @param shardSync both sides' shard-sync interval
   * @param window how long lease-table calls are counted
   * @param balance how long to wait for 2/2 before counting them (they are counted anyway)
   * @param timeout the longest any one phase may take
   */
  record Timings(
      int records,
      Duration failover,
      Duration shardSync,
      Duration window,
      Duration balance,
      Duration timeout) {}

  static Timings timings(Mode mode) {
    return switch (mode) {
      case SMOKE ->
          new Timings(
              10_000,
              Duration.ofSeconds(1),
              Duration.ofSeconds(1),
              Duration.ofSeconds(5),
              Duration.ofSeconds(30),
              Duration.ofSeconds(120));
      case SHORT ->
          new Timings(
              1_000_000,
              Duration.ofSeconds(5),
              Duration.ofSeconds(5),
              Duration.ofSeconds(30),
              Duration.ofSeconds(90),
              Duration.ofMinutes(4));
      case FULL ->
          new Timings(
              1_000_000,
              Duration.ofSeconds(10),
              Duration.ofSeconds(60),
              Duration.ofSeconds(60),
              Duration.ofMinutes(4),
              Duration.ofMinutes(6));
    };
  }

  /** One run of one side. NaN where a phase did not complete. */
  record SideResult(
      double recordsPerSecond,
      double cpuPerMillion,
      double callsPerMinutePerWorker,
      double failoverSeconds,
      double duplicates,
      double rebalanceSeconds,
      String calls,
      String notes) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String settings(Mode mode) {
    Timings t = timings(mode);
    boolean defaults = mode == Mode.FULL;
    return String.format(
        Locale.ROOT,
        """
        kcl-lite's `Worker` against the real KCL 3.5.1 `Scheduler`, each worker in a JVM of its \
        own (`-Xmx1g`; the KCL's with the peers' jars), 2 workers per side. One `serve` in memory \
        with the limits off (its own JVM) and one DynamoDB Local %s (its own JVM) serve both \
        sides; each side gets a fresh lease table and a 4-shard stream of its own holding the same \
        backlog: %,d aggregated %d-byte user records with %,d random keys (seed 42), written \
        through kpl-lite before the run starts. Sides alternate run by run; %s.

        - **Processors (both):** count records, and checkpoint after every non-empty batch; \
        records of the trickle (below) are also written to a file and flushed before the \
        checkpoint, so that records processed twice can be counted.
        - **kcl-lite:** defaults (polling, idle wait 1 s, renewal every failover/3, a taking round \
        every 2 s, a steal as a graceful hand-off with a 30 s timeout) but failover time %d s \
        and shard-sync interval %d s; `DynamoDbLeaseStore` \
        (URL-connection HTTP client).
        - **KCL 3.5.1:** as in `shared/reference/kcl-baseline.md`: defaults (3.x client version: \
        worker-utilization-aware assignment, graceful lease hand-off), `PollingConfig` defaults \
        (idle time between reads 1.5 s, 10,000 records per call), metrics `NONE`, Netty HTTP/1.1 \
        clients; but failoverTimeMillis %d and shardSyncIntervalMillis %d.%s
        - **Start:** the second worker is launched once the first created the lease table (for \
        the KCL: and its index; two KCL 3.5.1 workers started at once race to add the index, and \
        the loser can fail to initialize for good).
        - **records/s:** the 2 workers start on the empty lease table; the backlog \
        drained by them, from the first record processed to the last record of the last shard \
        (worker-side `System.nanoTime`; start-up is not counted, but how each side spreads the \
        leases while draining is). Records processed twice meanwhile (a lease moved mid-batch) do \
        not count as progress; the row's note says when there were any.
        - **CPU:** both workers' process CPU over that same span (from their progress lines, every \
        100 ms), per million records.
        - **Lease-table calls:** then %d records/s flow (kpl-lite, random keys; the conditions of \
        the KCL's baseline); once each worker holds 2 shards (or after %d s, which the row's note \
        then says), DynamoDB requests are counted for %d s by a TCP proxy on loopback in front of \
        DynamoDB Local, one per side, by `X-Amz-Target`, and divided by 2 workers.
        - **Failover:** SIGKILL of one worker holding shards (for the KCL the one that is not the \
        leader, unless the leader alone holds shards: a dead leader's lock lasts 120 s), until the \
        other processed a record on every shard the killed one held (the trickle flows meanwhile; \
        up to a poll interval of each side counts).
        - **Duplicates:** records the survivor processed after the kill that had been processed \
        before (by either worker).
        - **Rebalance:** a third worker process joins the survivor (which holds all 4 shards), \
        from its launch until each of the two holds 2 (JVM start-up included on both sides).
        - Any phase may take at most %d s; one that does not finish gives no figure.
        """,
        DynamoDbLocal.VERSION,
        t.records(),
        RECORD_BYTES,
        KEYS,
        mode == Mode.FULL
            ? "one warm-up run of each side is discarded, then 5 measured runs each; medians"
            : "no warm-up, 1 measured run each",
        t.failover().toSeconds(),
        t.shardSync().toSeconds(),
        t.failover().toMillis(),
        t.shardSync().toMillis(),
        defaults
            ? " (Both at their defaults: 10 s failover, 60 s shard sync.)"
            : " Both sides' failover time and shard-sync interval are shortened the same way in"
                + " this mode (defaults: 10 s and 60 s for both) so that the KCL's 85 s start-up"
                + " and its 20 s assignment cycle fit; the KCL derives its renewal (failover/3)"
                + " and assignment period (2 × failover) from the failover time.",
        TRICKLE_PER_SECOND,
        t.balance().toSeconds(),
        t.window().toSeconds(),
        t.timeout().toSeconds());
  }

  @Override
  public List<Row> run(Mode mode, Workspace workspace) throws Exception {
    Timings t = timings(mode);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process serve =
        workspace.startJava(
            "consumer-serve",
            List.of("-Xmx3g"),
            ServeMain.class.getName(),
            List.of("--port", Integer.toString(port)),
            false);
    String serveEndpoint = "http://127.0.0.1:" + port;
    Map<Side, List<SideResult>> results = new EnumMap<>(Side.class);
    results.put(Side.LITE, new ArrayList<>());
    results.put(Side.KCL, new ArrayList<>());
    try (DynamoDbLocal dynamo =
            DynamoDbLocal.start(
                DynamoDbLocal.Options.builder()
                    .libDir(dynamoLib())
                    .logDir(workspace.directory())
                    .ciMode(true)
                    .build());
        KinesisTransport kinesis =
            Transports.open(TransportConfig.builder().selection(serveEndpoint).build());
        DynamoDbClient tables = dynamoClient(dynamo.endpoint())) {
      awaitServe(kinesis, serve);
      int warmups = mode == Mode.FULL ? 1 : 0;
      for (int run = 0; run < warmups + mode.runs(); run++) {
        List<Side> order =
            run % 2 == 0 ? List.of(Side.LITE, Side.KCL) : List.of(Side.KCL, Side.LITE);
        Map<Side, String> streams = new EnumMap<>(Side.class);
        Map<Side, Backlog> backlogs = new EnumMap<>(Side.class);
        for (Side side : order) {
          String stream = "consumer-" + run + "-" + side.tag;
          Backlog backlog = writeBacklog(kinesis, stream, t.records());
          streams.put(side, stream);
          backlogs.put(side, backlog);
          System.out.printf(
              Locale.ROOT,
              "[consumer] run %d: %s: %,d user records in %,d Kinesis records%n",
              run,
              stream,
              t.records(),
              backlog.kinesisRecords());
        }
        for (Side side : order) {
          SideResult r =
              runSide(
                  side,
                  run,
                  streams.get(side),
                  backlogs.get(side),
                  t,
                  workspace,
                  serveEndpoint,
                  dynamo,
                  kinesis,
                  tables);
          boolean measured = run >= warmups;
          System.out.printf(
              Locale.ROOT,
              "[consumer] run %d (%s) %s: %,.0f records/s, %.2f CPU s per million, %.1f lease calls"
                  + " per minute per worker (%s), failover %.1f s, %s duplicates, rebalance %.1f"
                  + " s%s%n",
              run,
              measured ? "measured" : "warm-up",
              side.tag,
              r.recordsPerSecond(),
              r.cpuPerMillion(),
              r.callsPerMinutePerWorker(),
              r.calls(),
              r.failoverSeconds(),
              Report.number(r.duplicates()),
              r.rebalanceSeconds(),
              r.notes().isEmpty() ? "" : "; " + r.notes());
          kinesis.deleteStream(streams.get(side)).get(30, TimeUnit.SECONDS);
          if (measured) {
            results.get(side).add(r);
          }
        }
      }
    } finally {
      serve.destroy();
      serve.waitFor(10, TimeUnit.SECONDS);
    }
    return rows(results, t);
  }

  private static List<Row> rows(Map<Side, List<SideResult>> results, Timings t) {
    List<SideResult> lite = results.get(Side.LITE);
    List<SideResult> kcl = results.get(Side.KCL);
    String calls =
        "kcl-lite "
            + lite.get(lite.size() - 1).calls()
            + "; KCL "
            + kcl.get(kcl.size() - 1).calls()
            + " (last run, per worker per minute)";
    return List.of(
        row(
            "records/s draining the backlog",
            "records/s",
            lite,
            kcl,
            SideResult::recordsPerSecond,
            Row.Better.HIGHER,
            String.format(
                    Locale.ROOT,
                    "%,d aggregated 100-byte user records, 4 shards, 2 worker processes; first"
                        + " record to last",
                    t.records())
                + inRuns(
                    lite,
                    kcl,
                    "twice in the drain",
                    "records processed twice in the drain (a lease moved mid-batch)")),
        row(
            "CPU per million records drained",
            "CPU s per million",
            lite,
            kcl,
            SideResult::cpuPerMillion,
            Row.Better.LOWER,
            "both workers' processes, over the drain"),
        row(
            "lease-table calls per worker",
            "calls/min",
            lite,
            kcl,
            SideResult::callsPerMinutePerWorker,
            Row.Better.LOWER,
            String.format(
                    Locale.ROOT,
                    "2 workers, %d records/s, checkpoint every batch; %s",
                    TRICKLE_PER_SECOND,
                    calls)
                + inRuns(lite, kcl, "not 2/2", "not 2/2 when counting")),
        row(
            "SIGKILLed worker's shards processed again",
            "s",
            lite,
            kcl,
            SideResult::failoverSeconds,
            Row.Better.LOWER,
            String.format(
                    Locale.ROOT,
                    "failover time %d s on both sides; the KCL's non-leader killed",
                    t.failover().toSeconds())
                + inRuns(
                    lite, kcl, "was killed", "the KCL's leader killed, as it alone held shards")),
        row(
            "records processed twice after the kill",
            "records",
            lite,
            kcl,
            SideResult::duplicates,
            Row.Better.LOWER,
            TRICKLE_PER_SECOND + " records/s flowing, checkpoint every batch"),
        row(
            "a joining worker until 2/2",
            "s",
            lite,
            kcl,
            SideResult::rebalanceSeconds,
            Row.Better.LOWER,
            "a third worker process joins the survivor holding 4; from its launch"));
  }

  /** "; KCL: WHAT in 1 of 5 runs" for the runs whose notes hold {@code fragment}, or "". */
  private static String inRuns(
      List<SideResult> lite, List<SideResult> kcl, String fragment, String what) {
    StringBuilder s = new StringBuilder();
    for (List<SideResult> side : List.of(lite, kcl)) {
      long n = side.stream().filter(r -> r.notes().contains(fragment)).count();
      if (n > 0) {
        s.append("; ")
            .append(side == lite ? "kcl-lite" : "KCL")
            .append(": ")
            .append(what)
            .append(" in ")
            .append(n)
            .append(" of ")
            .append(side.size())
            .append(side.size() == 1 ? " run" : " runs");
      }
    }
    return s.toString();
  }

  private static Row row(
      String metric,
      String unit,
      List<SideResult> lite,
      List<SideResult> kcl,
      ToDoubleFunction<SideResult> value,
      Row.Better better,
      String note) {
    return new Row(
        NAME,
        metric,
        unit,
        Medians.of(lite.stream().map(r -> value.applyAsDouble(r)).toList()),
        PEER,
        Medians.of(kcl.stream().map(r -> value.applyAsDouble(r)).toList()),
        better,
        note);
  }

  // ---------------------------------------------------------------- one side

  private SideResult runSide(
      Side side,
      int run,
      String stream,
      Backlog backlog,
      Timings t,
      Workspace workspace,
      String serveEndpoint,
      DynamoDbLocal dynamo,
      KinesisTransport kinesis,
      DynamoDbClient tables)
      throws Exception {
    String app = "consumer-" + side.tag + "-" + run + "-" + Long.toHexString(System.nanoTime());
    List<String> notes = new ArrayList<>();
    List<WorkerProcess> all = new ArrayList<>();
    try (LeaseCallProxy proxy = LeaseCallProxy.start(dynamo.endpoint())) {
      WorkerProcess w1 = start(side, run, "w1", app, stream, t, workspace, serveEndpoint, proxy);
      all.add(w1);
      // Two KCL 3.5.1 workers started at once on a new application race to add the lease table's
      // index, and the loser can fail to initialize for good ("AssignmentMode is not initialized",
      // 20 attempts, then it exits). So on both sides the second starts once the first made the
      // table (and the KCL its index).
      await(
          "the lease table " + app + " is ready",
          t.timeout(),
          List.of(w1),
          () -> tableReady(tables, app, side == Side.KCL));
      WorkerProcess w2 = start(side, run, "w2", app, stream, t, workspace, serveEndpoint, proxy);
      all.add(w2);
      List<WorkerProcess> pair = List.of(w1, w2);

      // 1 and 2: the drain, until each shard's last record was processed (counting records would
      // count a batch processed twice, after a lease moved, as progress).
      await(
          side.tag + " workers processed the last record of every shard",
          t.timeout(),
          pair,
          () ->
              backlog.lastSequence().entrySet().stream()
                  .allMatch(
                      e ->
                          pair.stream()
                              .anyMatch(w -> w.latest().reached(e.getKey(), e.getValue()))));
      long firstNanos =
          pair.stream()
              .mapToLong(w -> w.latest().firstNanos())
              .filter(n -> n >= 0)
              .min()
              .orElseThrow();
      long lastNanos = pair.stream().mapToLong(w -> w.latest().lastNanos()).max().orElseThrow();
      await(
          "progress lines after the drain",
          Duration.ofSeconds(10),
          pair,
          () -> pair.stream().allMatch(w -> w.latest().nanos() > lastNanos));
      long processed = w1.latest().total() + w2.latest().total();
      if (processed > t.records()) {
        notes.add((processed - t.records()) + " records processed twice in the drain");
      }
      notes.add(
          String.format(
              Locale.ROOT,
              "first records %.1f s (w1) and %.1f s (w2) after launch, drain %.2f s",
              w1.secondsToFirstRecord(),
              w2.secondsToFirstRecord(),
              (lastNanos - firstNanos) / 1e9));
      double seconds = (lastNanos - firstNanos) / 1e9;
      double cpuSeconds = 0;
      for (WorkerProcess w : pair) {
        Line before = w.atOrBefore(firstNanos);
        Line after = w.first(lastNanos, l -> true);
        cpuSeconds += (after.cpuNanos() - before.cpuNanos()) / 1e9;
      }
      double recordsPerSecond = t.records() / seconds;
      double cpuPerMillion = cpuSeconds * 1e6 / t.records();

      try (Trickle trickle = new Trickle(kinesis, stream)) {
        // 3: lease-table calls at steady state.
        try {
          await(
              "each " + side.tag + " worker holds 2 shards",
              t.balance(),
              pair,
              () -> holds(w1, 2) && holds(w2, 2) && disjoint(w1, w2));
        } catch (TimedOut e) {
          notes.add("not 2/2 within " + t.balance().toSeconds() + " s: " + heldBy(pair));
        }
        Map<String, Long> before = proxy.counts();
        long windowStart = System.nanoTime();
        Thread.sleep(t.window().toMillis());
        Map<String, Long> during = LeaseCallProxy.minus(proxy.counts(), before);
        double minutes = (System.nanoTime() - windowStart) / 60e9;
        double callsPerMinutePerWorker = LeaseCallProxy.total(during) / minutes / pair.size();
        StringBuilder calls = new StringBuilder();
        during.forEach(
            (op, n) ->
                calls
                    .append(calls.length() == 0 ? "" : ", ")
                    .append(op)
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%.1f", n / minutes / pair.size())));

        // 4 and 5: SIGKILL of one worker.
        // The victim is w2 unless it holds nothing, or it is the KCL's leader and w1 holds shards
        // too: a dead leader's lock lasts 120 s, which is not what this row is about.
        WorkerProcess victim = w2;
        WorkerProcess survivor = w1;
        String leader = side == Side.KCL ? kclLeader(tables, app, pair) : null;
        boolean w1Holds = !w1.latest().held().isEmpty();
        boolean w2Holds = !w2.latest().held().isEmpty();
        if (!w2Holds || (w2.workerId.equals(leader) && w1Holds)) {
          victim = w1;
          survivor = w2;
        }
        if (victim.workerId.equals(leader)) {
          notes.add("the KCL's leader " + leader + " was killed: the other worker held no shard");
        }
        double failoverSeconds = Double.NaN;
        double duplicates = Double.NaN;
        double rebalanceSeconds = Double.NaN;
        Set<String> victimShards = victim.latest().held();
        if (victimShards.isEmpty()) {
          notes.add("the worker to kill held no shard: " + heldBy(pair));
        } else {
          Line survivorAtKill = survivor.latest();
          long survivorFileAtKill =
              Files.exists(survivor.trickle) ? Files.size(survivor.trickle) : 0;
          long killedAt = System.nanoTime();
          victim.kill();
          WorkerProcess s = survivor;
          Map<String, Long> resumed = new TreeMap<>();
          try {
            await(
                s.workerId + " processes " + victimShards + " again",
                t.timeout(),
                List.of(s),
                () -> {
                  for (String shard : victimShards) {
                    Line l = s.first(killedAt, x -> x.count(shard) > survivorAtKill.count(shard));
                    if (l != null) {
                      resumed.putIfAbsent(shard, l.nanos());
                    }
                  }
                  return resumed.keySet().containsAll(victimShards);
                });
            failoverSeconds =
                (resumed.values().stream().mapToLong(Long::longValue).max().orElseThrow()
                        - killedAt)
                    / 1e9;
            Thread.sleep(2_000); // the survivor's first batches after the kill are written out
            duplicates = duplicatesAfter(victim.trickle, survivor.trickle, survivorFileAtKill);
          } catch (TimedOut e) {
            notes.add(e.getMessage());
          }

          // 6: a third worker joins the survivor.
          if (!Double.isNaN(failoverSeconds)) {
            long joinedAt = System.nanoTime();
            WorkerProcess w3 =
                start(side, run, "w3", app, stream, t, workspace, serveEndpoint, proxy);
            all.add(w3);
            try {
              long balancedAt =
                  await(
                      "2/2 after " + w3.workerId + " joined",
                      t.timeout(),
                      List.of(s, w3),
                      () -> holds(s, 2) && holds(w3, 2) && disjoint(s, w3));
              rebalanceSeconds = (balancedAt - joinedAt) / 1e9;
            } catch (TimedOut e) {
              notes.add(e.getMessage() + ": " + heldBy(List.of(s, w3)));
            }
          }
        }
        notes.add(trickle.added() + " trickle records");
        for (WorkerProcess w : all) {
          w.stop();
        }
        StringBuilder rss = new StringBuilder();
        for (WorkerProcess w : all) {
          rss.append(rss.length() == 0 ? "" : ", ")
              .append(w.workerId)
              .append(' ')
              .append(w.meter.peakResidentBytes() / (1 << 20))
              .append(" MiB");
        }
        notes.add("peak RSS " + rss);
        return new SideResult(
            recordsPerSecond,
            cpuPerMillion,
            callsPerMinutePerWorker,
            failoverSeconds,
            duplicates,
            rebalanceSeconds,
            calls.toString(),
            String.join("; ", notes));
      }
    } finally {
      for (WorkerProcess w : all) {
        w.stop();
      }
    }
  }

  private static WorkerProcess start(
      Side side,
      int run,
      String workerId,
      String app,
      String stream,
      Timings t,
      Workspace workspace,
      String serveEndpoint,
      LeaseCallProxy proxy)
      throws IOException {
    String name = "consumer-" + run + "-" + side.tag + "-" + workerId;
    Path trickle = workspace.directory().resolve(name + ".trickle");
    Process p =
        workspace.startJava(
            name,
            WORKER_JVM,
            side.mainClass,
            List.of(
                serveEndpoint,
                proxy.endpoint().toString(),
                app,
                stream,
                workerId,
                trickle.toString(),
                Long.toString(t.failover().toMillis()),
                Long.toString(t.shardSync().toMillis())),
            side.withPeers);
    return new WorkerProcess(workerId, p, workspace.log(name), trickle);
  }

  private static boolean holds(WorkerProcess w, int shards) {
    return w.latest().held().size() == shards;
  }

  private static boolean disjoint(WorkerProcess a, WorkerProcess b) {
    Set<String> both = new HashSet<>(a.latest().held());
    both.retainAll(b.latest().held());
    return both.isEmpty();
  }

  private static String heldBy(List<WorkerProcess> workers) {
    StringBuilder s = new StringBuilder();
    for (WorkerProcess w : workers) {
      s.append(s.length() == 0 ? "" : ", ").append(w.workerId).append(" holds ");
      s.append(w.latest().held());
    }
    return s.toString();
  }

  /**
   * Records the survivor processed after the kill (its trickle file past {@code survivorOffset})
   * that had been processed before: by the killed worker, or by the survivor before the kill.
   */
  static long duplicatesAfter(Path victimFile, Path survivorFile, long survivorOffset)
      throws IOException {
    Set<Long> before = new HashSet<>(WorkerReport.readTrickle(victimFile, 0, Long.MAX_VALUE));
    before.addAll(WorkerReport.readTrickle(survivorFile, 0, survivorOffset));
    long duplicates = 0;
    for (Long index : WorkerReport.readTrickle(survivorFile, survivorOffset, Long.MAX_VALUE)) {
      if (!before.add(index)) {
        duplicates++;
      }
    }
    return duplicates;
  }

  /**
   * The worker id holding the KCL's leader lock in its lease table; failing that, the last worker
   * whose log says it is the leader; else null.
   */
  private static String kclLeader(
      DynamoDbClient tables, String table, List<WorkerProcess> workers) {
    try {
      for (Map<String, AttributeValue> item :
          tables.scan(r -> r.tableName(table).consistentRead(true)).items()) {
        AttributeValue key = item.get("leaseKey");
        if (key != null
            && key.s() != null
            && key.s().toLowerCase(Locale.ROOT).contains("leader")
            && item.containsKey("ownerName")) {
          return item.get("ownerName").s();
        }
      }
    } catch (RuntimeException e) {
      System.out.println("[consumer] cannot read the KCL's leader from " + table + ": " + e);
    }
    for (WorkerProcess w : workers) {
      if (w.logTail(5_000).contains("Worker : " + w.workerId + " is the current Leader")) {
        return w.workerId;
      }
    }
    return null;
  }

  /** Whether {@code table} is ACTIVE, with at least one index and every index ACTIVE if asked. */
  private static boolean tableReady(DynamoDbClient tables, String table, boolean withIndex) {
    try {
      TableDescription d = tables.describeTable(r -> r.tableName(table)).table();
      if (d.tableStatus() != TableStatus.ACTIVE) {
        return false;
      }
      List<GlobalSecondaryIndexDescription> indexes = d.globalSecondaryIndexes();
      return !withIndex
          || (!indexes.isEmpty()
              && indexes.stream().allMatch(i -> i.indexStatus() == IndexStatus.ACTIVE));
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- set-up

  private static Path dynamoLib() {
    String configured = System.getProperty("kinesislite.dynamodb.local.lib");
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of("testkit-dynamodb-local", "target", "lib");
  }

  private static DynamoDbClient dynamoClient(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  private static void awaitServe(KinesisTransport kinesis, Process serve) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        kinesis.listStreams().get(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (!serve.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("serve did not answer: " + e, e);
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * A backlog as written.
   *
   * @param kinesisRecords how many Kinesis records carry it
   * @param lastSequence the sequence number of each shard's last record
   */
  record Backlog(long kinesisRecords, Map<String, BigInteger> lastSequence) {}

  /** Creates {@code stream} (4 shards) and writes the backlog through kpl-lite, aggregated. */
  static Backlog writeBacklog(KinesisTransport kinesis, String stream, int records)
      throws Exception {
    kinesis.createStream(stream, SHARDS).get(30, TimeUnit.SECONDS);
    kinesis.awaitStreamActive(stream, Duration.ofSeconds(30)).get(60, TimeUnit.SECONDS);
    Random random = new Random(42);
    String[] keys = new String[KEYS];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Long.toHexString(random.nextLong());
    }
    byte[] data = new byte[RECORD_BYTES];
    long kinesisRecords = 0;
    Map<String, BigInteger> last = new TreeMap<>();
    try (KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().aggregationEnabled(true).rateLimit(Long.MAX_VALUE).build(),
            kinesis)) {
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>(PRODUCE_CHUNK);
      for (int written = 0; written < records; written += futures.size()) {
        futures.clear();
        int chunk = Math.min(PRODUCE_CHUNK, records - written);
        for (int i = 0; i < chunk; i++) {
          random.nextBytes(data); // add copies the data
          data[0] = WorkerReport.BACKLOG;
          futures.add(producer.add(stream, keys[(written + i) % KEYS], ByteBuffer.wrap(data)));
        }
        producer.flush();
        for (CompletableFuture<RecordResult> future : futures) {
          RecordResult r = future.get(60, TimeUnit.SECONDS);
          if (r.subSequenceNumber() == 0) {
            kinesisRecords++;
          }
          last.merge(r.shardId(), new BigInteger(r.sequenceNumber()), BigInteger::max);
        }
      }
    }
    return new Backlog(kinesisRecords, last);
  }

  // ---------------------------------------------------------------- waiting

  /** A phase that did not finish in time. */
  static final class TimedOut extends Exception {
    private static final long serialVersionUID = 1L;

    TimedOut(String message) {
      super(message);
    }
  }

  /**
   * Waits until {@code condition} holds, polling every 20 ms; returns {@link System#nanoTime()}
   * then. Throws {@link TimedOut} after {@code timeout}, and {@link IllegalStateException} with its
   * log if a worker of {@code mustLive} died.
   */
  private static long await(
      String what, Duration timeout, List<WorkerProcess> mustLive, BooleanSupplier condition)
      throws TimedOut, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      for (WorkerProcess w : mustLive) {
        if (!w.process.isAlive()) {
          throw new IllegalStateException(
              w.workerId
                  + " exited with "
                  + w.process.exitValue()
                  + " while waiting until "
                  + what
                  + "; its log ("
                  + w.log
                  + ") ends:\n"
                  + w.logTail());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new TimedOut("not within " + timeout.toSeconds() + " s: " + what);
      }
      Thread.sleep(20);
    }
    return System.nanoTime();
  }

  /**
   * {@value #TRICKLE_PER_SECOND} records a second into a stream through kpl-lite, each marked as a
   * trickle record with its index, on a daemon thread, until closed.
   */
  private static final class Trickle implements AutoCloseable {
    private final KinesisProducer producer;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile long added;

    Trickle(KinesisTransport kinesis, String stream) {
      producer =
          KinesisProducer.create(
              ProducerConfig.builder()
                  .aggregationEnabled(true)
                  .recordMaxBufferedTime(Duration.ofMillis(20))
                  .build(),
              kinesis);
      thread =
          new Thread(
              () -> {
                Random random = new Random(7);
                long next = System.nanoTime();
                for (long i = 0; !stopping; i++) {
                  ByteBuffer data = ByteBuffer.allocate(RECORD_BYTES);
                  data.put(0, WorkerReport.TRICKLE).putLong(1, i);
                  producer.add(stream, Long.toHexString(random.nextLong()), data);
                  added = i + 1;
                  next += TimeUnit.SECONDS.toNanos(1) / TRICKLE_PER_SECOND;
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    try {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                }
              },
              "consumer-compare-trickle");
      thread.setDaemon(true);
      thread.start();
    }

    /** Records added so far. */
    long added() {
      return added;
    }

    @Override
    public void close() {
      stopping = true;
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      producer.close();
    }
  }
}
