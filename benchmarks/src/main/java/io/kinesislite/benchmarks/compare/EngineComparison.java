package io.kinesislite.benchmarks.compare;

import io.kinesislite.benchmarks.ServeBenchmark;
import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.testkit.KinesisMock;
import io.kinesislite.testkit.internal.Executables;
import io.kinesislite.testkit.internal.NpmInstall;
import io.kinesislite.testkit.internal.PeerDefaults;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * {@code serve} (in memory, limits off, a JVM of its own) against kinesalite and kinesis-mock, with
 * {@link ServeBenchmark}'s workload and processes (ready time, put and get records/s over HTTP
 * through the AWS SDK, peak RSS), plus the in-process engine's put and get records/s through {@link
 * EmbeddedTransport}, which have no peer. Not thread-safe.
 */
public final class EngineComparison implements Comparison {
  static final String NO_PEER = "–";
  static final String SERVE = "serve-memory";
  static final String KINESALITE = "kinesalite";
  static final String KINESIS_MOCK = "kinesis-mock";
  private static final int THREADS = 4;
  private static final int SHARDS = 4;
  private static final int RECORD_BYTES = 100;
  private static final int PUT_BATCH = 500;
  private static final int GET_LIMIT = 10_000;
  private static final int READ_RECORDS_PER_SHARD = 50_000;
  private static final int CALLS_PER_ROUND = 250; // per thread: 500,000 records a round in all

  @Override
  public String name() {
    return "engine";
  }

  /** Each HTTP phase's measured duration and warm-up, and the in-process phases'. */
  record Durations(Duration phase, Duration warmup, Duration inProcess, Duration inProcessWarmup) {}

  static Durations durations(Mode mode) {
    return switch (mode) {
      case SMOKE ->
          new Durations(
              Duration.ofSeconds(1),
              Duration.ofMillis(300),
              Duration.ofSeconds(1),
              Duration.ofMillis(300));
      case SHORT ->
          new Durations(
              Duration.ofSeconds(10),
              Duration.ofSeconds(2),
              Duration.ofSeconds(5),
              Duration.ofSeconds(2));
      case FULL ->
          new Durations(
              Duration.ofSeconds(15),
              Duration.ofSeconds(3),
              Duration.ofSeconds(5),
              Duration.ofSeconds(2));
    };
  }

  /** The peers measured in this mode: smoke mode runs kinesalite only. */
  static List<String> peers(Mode mode) {
    return mode == Mode.SMOKE ? List.of(KINESALITE) : List.of(KINESALITE, KINESIS_MOCK);
  }

  static String label(String peer) {
    return peer.equals(KINESALITE)
        ? "kinesalite " + ServeBenchmark.KINESALITE_VERSION
        : "kinesis-mock " + KinesisMock.VERSION;
  }

  /**
   * Why a peer cannot run on this machine (node missing, or npm missing and the peer not in the
   * testkit's peer cache yet), or empty if it can be tried.
   */
  static Optional<String> unavailable(String peer) {
    if (Executables.find("node").isEmpty()) {
      return Optional.of(label(peer) + " needs node, which is not on PATH");
    }
    NpmInstall install =
        peer.equals(KINESALITE)
            ? new NpmInstall(
                PeerDefaults.cacheDir(), "kinesalite", ServeBenchmark.KINESALITE_VERSION, "cli.js")
            : new NpmInstall(
                PeerDefaults.cacheDir(), "kinesis-local", KinesisMock.VERSION, "main.js");
    if (!install.isInstalled() && Executables.find("npm").isEmpty()) {
      return Optional.of(
          label(peer)
              + " is not in the peer cache "
              + PeerDefaults.cacheDir()
              + " and npm is missing");
    }
    return Optional.empty();
  }

  @Override
  public String settings(Mode mode) {
    Durations d = durations(mode);
    return String.format(
        Locale.ROOT,
        """
        `serve` against the emulators, each in a process of its own on 127.0.0.1, driven by the \
        same AWS SDK v2 workload from the comparison's JVM (`ServeBenchmark`'s): the time from \
        starting the process to the first successful ListStreams; put-many throughput (%d records \
        of %d random bytes with random partition keys per call, %d client threads, %d s after \
        %.1f s of warm-up); get-records throughput reading the %d-shard stream back from \
        TRIM_HORIZON (up to %,d records per call, a reader per shard, round and round; same \
        durations); and the process's peak resident memory (VmHWM) after the load. JSON 1.1 for \
        every side (kinesalite speaks no CBOR). %s; the sides take turns, serve first in odd runs \
        and last in even ones.

        - **kinesis-lite:** `serve` in memory (`ServeMain`, a JVM with default options), the \
        Kinesis throughput limits off, as the emulators have none.
        - **kinesalite %s:** in memory, `createStreamMs`/`deleteStreamMs`/`updateStreamMs` 0, \
        bound to 127.0.0.1; installed with npm into the testkit's peer cache on first use.
        - **kinesis-mock %s:** the `kinesis-local` npm package, no persistence, every operation's \
        delay 0, plain HTTP.%s
        - **In-process (no peer):** the engine in the comparison's JVM through \
        `EmbeddedTransport`, no HTTP: %d threads putting %d × %d-byte records per call (a fresh \
        stream every 500,000 records, so memory stays flat), and %d threads reading %,d records \
        per call, each a shard of its own holding %,d records, round and round; %d s each after \
        %.1f s of warm-up, in memory, limits off.
        """,
        PUT_BATCH,
        RECORD_BYTES,
        THREADS,
        d.phase().toSeconds(),
        d.warmup().toMillis() / 1000.0,
        SHARDS,
        GET_LIMIT,
        mode.runs() == 1 ? "One measured run of each side" : mode.runs() + " measured runs each",
        ServeBenchmark.KINESALITE_VERSION,
        KinesisMock.VERSION,
        mode == Mode.SMOKE ? " Not run in smoke mode." : "",
        THREADS,
        PUT_BATCH,
        RECORD_BYTES,
        THREADS,
        GET_LIMIT,
        READ_RECORDS_PER_SHARD,
        d.inProcess().toSeconds(),
        d.inProcessWarmup().toMillis() / 1000.0);
  }

  @Override
  public List<Row> run(Mode mode, Workspace workspace) throws Exception {
    Durations d = durations(mode);
    Path runDir = workspace.newDirectory("engine-");
    Map<String, String> missing = new LinkedHashMap<>();
    List<String> peers = new ArrayList<>();
    for (String peer : peers(mode)) {
      Optional<String> why = unavailable(peer);
      if (why.isPresent() && mode == Mode.SMOKE) {
        missing.put(peer, why.get());
      } else {
        peers.add(peer);
      }
    }
    Map<String, List<ServeBenchmark.Figures>> byTarget = new LinkedHashMap<>();
    for (int run = 0; run < mode.runs(); run++) {
      List<String> order = new ArrayList<>();
      if (run % 2 == 0) {
        order.add(SERVE);
        order.addAll(peers);
      } else {
        List<String> reversed = new ArrayList<>(peers);
        Collections.reverse(reversed);
        order.addAll(reversed);
        order.add(SERVE);
      }
      List<String> failures = new ArrayList<>();
      for (ServeBenchmark.Figures f :
          ServeBenchmark.measure(order, d.phase(), d.warmup(), runDir, failures)) {
        byTarget.computeIfAbsent(f.target(), k -> new ArrayList<>()).add(f);
      }
      if (!failures.isEmpty()) {
        boolean serveMeasured = byTarget.containsKey(SERVE);
        if (mode != Mode.SMOKE || !serveMeasured) {
          throw new IllegalStateException(String.join("; ", failures));
        }
        for (String peer : peers) {
          if (!byTarget.containsKey(peer)) {
            missing.put(peer, String.join("; ", failures));
          }
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    List<ServeBenchmark.Figures> serve = byTarget.get(SERVE);
    addRows(
        rows,
        "ready time",
        "ms",
        ServeBenchmark.Figures::readyMillis,
        Row.Better.LOWER,
        serve,
        byTarget,
        missing,
        mode);
    addRows(
        rows,
        "put records/s over HTTP",
        "records/s",
        ServeBenchmark.Figures::putPerSecond,
        Row.Better.HIGHER,
        serve,
        byTarget,
        missing,
        mode);
    addRows(
        rows,
        "get records/s over HTTP",
        "records/s",
        ServeBenchmark.Figures::getPerSecond,
        Row.Better.HIGHER,
        serve,
        byTarget,
        missing,
        mode);
    addRows(
        rows,
        "peak resident memory",
        "MiB",
        ServeBenchmark.Figures::peakRssMiB,
        Row.Better.LOWER,
        serve,
        byTarget,
        missing,
        mode);

    List<Double> puts = new ArrayList<>();
    List<Double> gets = new ArrayList<>();
    for (int run = 0; run < mode.runs(); run++) {
      double[] figures = inProcess(d.inProcess(), d.inProcessWarmup());
      puts.add(figures[0]);
      gets.add(figures[1]);
    }
    String inProcessNote = "no peer: the engine in this JVM through EmbeddedTransport, no HTTP";
    rows.add(
        new Row(
            name(),
            "in-process put records/s",
            "records/s",
            Medians.of(puts),
            NO_PEER,
            Double.NaN,
            Row.Better.HIGHER,
            inProcessNote));
    rows.add(
        new Row(
            name(),
            "in-process get records/s",
            "records/s",
            Medians.of(gets),
            NO_PEER,
            Double.NaN,
            Row.Better.HIGHER,
            inProcessNote));
    return rows;
  }

  private void addRows(
      List<Row> rows,
      String metric,
      String unit,
      ToDoubleFunction<ServeBenchmark.Figures> value,
      Row.Better better,
      List<ServeBenchmark.Figures> serve,
      Map<String, List<ServeBenchmark.Figures>> byTarget,
      Map<String, String> missing,
      Mode mode) {
    double serveValue = median(serve, value);
    for (String peer : peers(mode)) {
      List<ServeBenchmark.Figures> peerFigures = byTarget.getOrDefault(peer, List.of());
      List<String> notes = new ArrayList<>();
      if (missing.containsKey(peer)) {
        notes.add("peer not measured: " + missing.get(peer));
      }
      if (unit.equals("MiB")) {
        // Each side holds what it accepted in the put phase, which is not the same amount.
        notes.add(
            String.format(
                Locale.ROOT,
                "after the load, holding %,.0f records (serve) and %,.0f (%s); serve's JVM has"
                    + " default heap options",
                median(serve, f -> f.storedRecords()),
                median(peerFigures, f -> f.storedRecords()),
                peer));
      }
      long errors =
          serve.stream().mapToLong(ServeBenchmark.Figures::errors).sum()
              + peerFigures.stream().mapToLong(ServeBenchmark.Figures::errors).sum();
      if (errors > 0) {
        notes.add(errors + " failed calls or entries (serve's and the peer's; see the logs)");
      }
      double busy =
          Stream.concat(serve.stream(), peerFigures.stream())
              .mapToDouble(ServeBenchmark.Figures::otherCpuShare)
              .max()
              .orElse(0);
      if (busy > 0.10) {
        notes.add(
            String.format(
                Locale.ROOT,
                "other processes used up to %.0f%% of the CPU in a phase",
                100 * busy));
      }
      rows.add(
          new Row(
              name(),
              metric,
              unit,
              serveValue,
              label(peer),
              median(peerFigures, value),
              better,
              String.join("; ", notes)));
    }
  }

  private static double median(
      List<ServeBenchmark.Figures> figures, ToDoubleFunction<ServeBenchmark.Figures> value) {
    return Medians.of(figures.stream().map(f -> value.applyAsDouble(f)).toList());
  }

  // ---- the in-process engine ----

  /** Puts and gets per second through EmbeddedTransport, each after a warm-up. */
  static double[] inProcess(Duration duration, Duration warmup) throws Exception {
    try (ShardEngine engine =
            ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      List<List<PutEntry>> batches = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        batches.add(batch(t));
      }
      puts(kinesis, batches, warmup);
      double puts = puts(kinesis, batches, duration);
      kinesis.createStream("read", SHARDS).join();
      List<Shard> shards = kinesis.listShards("read").join();
      for (Shard shard : shards) {
        List<PutEntry> fill = new ArrayList<>(PUT_BATCH);
        for (int i = 0; i < PUT_BATCH; i++) {
          fill.add(
              PutEntry.of("fill", shard.hashKeyRange().start().toString(), new byte[RECORD_BYTES]));
        }
        for (int n = 0; n < READ_RECORDS_PER_SHARD; n += PUT_BATCH) {
          kinesis.putRecords("read", fill).join();
        }
      }
      gets(kinesis, shards, warmup);
      double gets = gets(kinesis, shards, duration);
      return new double[] {puts, gets};
    }
  }

  private static List<PutEntry> batch(int seed) {
    Random random = new Random(seed);
    List<PutEntry> batch = new ArrayList<>(PUT_BATCH);
    for (int i = 0; i < PUT_BATCH; i++) {
      byte[] data = new byte[RECORD_BYTES];
      random.nextBytes(data);
      batch.add(PutEntry.of("key-" + random.nextLong(), data));
    }
    return batch;
  }

  /**
   * Rounds of {@link #CALLS_PER_ROUND} put-many calls per thread, each round on a fresh stream,
   * until the rounds' time adds up to {@code duration}; creating and deleting streams is not timed.
   */
  private static double puts(
      KinesisTransport kinesis, List<List<PutEntry>> batches, Duration duration) throws Exception {
    long records = 0;
    long nanos = 0;
    int round = 0;
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      while (nanos < duration.toNanos()) {
        String stream = "put-" + round++;
        kinesis.createStream(stream, SHARDS).join();
        LongAdder put = new LongAdder();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (List<PutEntry> batch : batches) {
          futures.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < CALLS_PER_ROUND; i++) {
                      int failed = kinesis.putRecords(stream, batch).join().failedCount();
                      put.add(batch.size() - failed);
                    }
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
        nanos += System.nanoTime() - start;
        records += put.sum();
        kinesis.deleteStream(stream).join();
      }
    } finally {
      pool.shutdownNow();
    }
    return records * 1e9 / nanos;
  }

  /** Each thread reads a shard of its own, round and round, for {@code duration}. */
  private static double gets(KinesisTransport kinesis, List<Shard> shards, Duration duration)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      LongAdder read = new LongAdder();
      long start = System.nanoTime();
      long deadline = start + duration.toNanos();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String shardId = shards.get(t % shards.size()).shardId();
        futures.add(
            pool.submit(
                () -> {
                  String iterator = null;
                  while (System.nanoTime() - deadline < 0) {
                    if (iterator == null) {
                      iterator =
                          kinesis
                              .getShardIterator("read", shardId, StartingPosition.trimHorizon())
                              .join();
                    }
                    GetRecordsResult page = kinesis.getRecords(iterator, GET_LIMIT).join();
                    int n = page.records().size();
                    read.add(n);
                    iterator = n < GET_LIMIT ? null : page.nextShardIterator().orElse(null);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      return read.sum() * 1e9 / (System.nanoTime() - start);
    } finally {
      pool.shutdownNow();
    }
  }
}
