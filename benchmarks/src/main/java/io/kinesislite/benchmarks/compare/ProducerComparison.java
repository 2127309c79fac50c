package io.kinesislite.benchmarks.compare;

import io.kinesislite.benchmarks.ServeMain;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.testkit.internal.Ports;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code producer}: kpl-lite against the real KPL 1.0.7, each in a JVM of its own ({@link
 * ProducerSideMain}), putting the same 100-byte records with random partition keys, aggregation on,
 * into one in-memory {@code serve} over HTTPS with the throughput limits off. First each side's
 * peak: delivered records per second at full speed, with the CPU seconds per million records and
 * the peak resident memory of the side's processes (the KPL's native child included); then the
 * latency from add to acknowledgement, p50 and p99, with both sides adding at half the slower
 * side's median peak. A warm-up run of each side comes first and is discarded; then {@link
 * Mode#runs()} alternating full-speed runs of each side, then as many alternating latency runs;
 * medians. Each run's JVM also warms itself up before it is measured (records put at full speed,
 * and for latency runs a paced stretch not counted).
 */
public final class ProducerComparison implements Comparison {
  static final String PEER = "KPL 1.0.7";
  static final int SHARDS = 32;

  /** JVM options of both sides' JVMs. */
  static final List<String> SIDE_JVM = List.of("-Xmx1g");

  /** JVM options of serve's JVM. */
  static final List<String> SERVE_JVM = List.of("-Xmx2g");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);

  /** The workload of one mode. */
  record Workload(long warmupRecords, long records, long latencyWarmupMs, long latencyMs) {
    static Workload of(Mode mode) {
      return switch (mode) {
        case SMOKE -> new Workload(500, 2_000, 200, 1_000);
        case SHORT -> new Workload(10_000, 100_000, 500, 3_000);
        case FULL -> new Workload(50_000, 500_000, 2_000, 10_000);
      };
    }
  }

  /** What one measured run of a side gave. */
  record SideRun(
      double recordsPerSecond,
      double cpuSecondsPerMillion,
      double peakMiB,
      double p50Millis,
      double p99Millis) {}

  private volatile double latencyRate = Double.NaN;

  @Override
  public String name() {
    return "producer";
  }

  @Override
  public String settings(Mode mode) {
    Workload w = Workload.of(mode);
    ProducerConfig kl = KplLiteSide.config();
    TransportConfig t = KplLiteSide.transportConfig(0);
    return String.format(
        Locale.ROOT,
        """
        kpl-lite (this build) against the real KPL 1.0.7 (its Java part and its native \
        `kinesis_producer` child), each in a JVM of its own (`%s`), started by the command.

        - **Endpoint:** one `serve` (`ServeMain --tls`, in memory, throughput limits off, its own \
        JVM) on 127.0.0.1 over HTTPS with a generated self-signed certificate, for both sides; a \
        stream of %d shards created afresh for every run and deleted after it.
        - **Records:** 100 bytes of random data (the same bytes for every record), random \
        partition keys (65,536 random 64-bit numbers in hex, taken in turn, the same on both \
        sides).
        - **Full speed:** %,d warm-up records inside the side's JVM (not counted; the shard map \
        lands and the put path is compiled), then %,d records added as fast as the producer takes \
        them, one flush, every future waited for; records/s from the first add to the last \
        completion, and the side's CPU time (all its processes, from `/proc`) over that span. \
        Peak memory: the sum of the side's processes' peak resident sets (VmHWM), JVM included.
        - **Latency:** both sides add at half the slower side's median full-speed rate (%s), \
        paced in bursts of what is due every 0.1 ms: %,d ms not counted, then %,d ms counted; \
        each record's latency from just before its add to its completion; p50 and p99 (nearest \
        rank).
        - **Back-pressure:** both adders wait while more than %,d records are outstanding: \
        kpl-lite's add through MaxOutstandingRecords (set to it; its default is 500,000), the \
        KPL's adder, since the KPL never blocks an add, by reading its outstanding count (checked \
        every %,d adds). The cap is one the KPL does well at: the KPL's cost per record grows \
        with its backlog, and in a trial on this machine (500,000 records, one run of each side) \
        it delivered 40,818 records/s at 42 CPU s per M with 50,000 outstanding, but 9,839 \
        records/s at 124 with 500,000 (kpl-lite, at its default cap in both: 124,047 and 135,597).
        - **Rate limits:** both producers keep RateLimit at 150 %% (the KPL's default, and \
        kpl-lite's): 1,500 Kinesis records and 1.5 MiB per second per shard. With %d shards that \
        is a ceiling of about %,d user records/s of these sizes (aggregated) for either side, well \
        above what either reaches on a small machine (the full-speed row says so if a side came \
        within 70 %% of it): neither is held back by its own limiter, and both limiters stay as \
        shipped. serve itself has its limits off.
        - **kpl-lite:** `ProducerConfig` defaults except MetricsLevel and MaxOutstandingRecords (see back-pressure; RateLimit is set to the KPL's default, which is its own): AggregationEnabled=%s, \
        AggregationMaxCount=%,d, AggregationMaxSize=%,d, CollectionMaxCount=%d, \
        CollectionMaxSize=%,d, RecordMaxBufferedTime=%,d ms, RecordTtl=%,d ms, RateLimit=%d, \
        MetricsLevel=%s, MaxOutstandingRecords=%,d, MaxOutstandingBytes=%,d, StrictOrdering=%s; \
        transport: `%s` with trustSelfSignedCertificates=true, static keys, region us-east-1, \
        maxConcurrency=%d, callTimeout=%,d s, maxAttempts=%d.
        - **KPL 1.0.7:** defaults (AggregationEnabled=true, AggregationMaxCount=4,294,967,295, \
        AggregationMaxSize=51,200, CollectionMaxCount=500, CollectionMaxSize=5,242,880, \
        RecordMaxBufferedTime=100 ms, RecordTtl=30,000 ms, RateLimit=150, MaxConnections=24, \
        RequestTimeout=6,000 ms, ThreadingModel=PER_REQUEST, ThreadPoolSize=0, LogLevel=info) \
        except: Region=us-east-1, KinesisEndpoint and CloudwatchEndpoint=127.0.0.1 with serve's \
        port, VerifyCertificate=false, MetricsLevel=none, static credentials, TempDirectory in \
        the scratch directory (the native binary is extracted there once, in the warm-up run). \
        At start the KPL's native child calls the EC2 instance metadata address once; outside \
        EC2 that call fails (a warning in its log) and it goes on with the static credentials.
        - **Runs:** one warm-up run of each side first (discarded; %,d records at full speed), \
        then full-speed runs, %d of each side, alternating (kpl-lite first), then latency runs, \
        %d of each side, alternating; the figures are medians.
        """,
        String.join(" ", SIDE_JVM),
        SHARDS,
        w.warmupRecords(),
        w.records(),
        Double.isNaN(latencyRate)
            ? "set when the comparison runs"
            : String.format(Locale.ROOT, "%,.0f records/s in this run", latencyRate),
        w.latencyWarmupMs(),
        w.latencyMs(),
        ProducerSideMain.MAX_OUTSTANDING,
        ProducerSideMain.OUTSTANDING_CHECK_EVERY,
        SHARDS,
        ceiling(),
        kl.aggregationEnabled(),
        kl.aggregationMaxCount(),
        kl.aggregationMaxSize(),
        kl.collectionMaxCount(),
        kl.collectionMaxSize(),
        kl.recordMaxBufferedTime().toMillis(),
        kl.recordTtl().toMillis(),
        kl.rateLimit(),
        kl.metricsLevel(),
        kl.maxOutstandingRecords(),
        kl.maxOutstandingBytes(),
        kl.strictOrdering(),
        "https://127.0.0.1:PORT",
        t.maxConcurrency(),
        t.callTimeout().toSeconds(),
        t.maxAttempts(),
        warmupRunRecords(w),
        mode.runs(),
        mode.runs());
  }

  /** The records of a warm-up run: a quarter of a measured run's, at least the in-JVM warm-up's. */
  static long warmupRunRecords(Workload w) {
    return Math.max(w.warmupRecords(), w.records() / 4);
  }

  /**
   * User records per second the producers' own limiters let through at RateLimit 150 % on {@link
   * #SHARDS} shards: 1.5 MiB/s per shard, at about 125 bytes per user record inside an aggregate
   * (100 bytes of data, a 16-character partition key in the key table, the tags and lengths).
   */
  static long ceiling() {
    return Math.round(SHARDS * 1.5 * 1_048_576 / 125 / 1000) * 1000;
  }

  @Override
  public List<Row> run(Mode mode, Workspace workspace) throws Exception {
    Workload w = Workload.of(mode);
    Path dir = workspace.newDirectory("producer-");
    int port = Ports.free();
    Path pem = dir.resolve("serve.pem");
    Process serve =
        workspace.startJava(
            "producer-serve",
            SERVE_JVM,
            ServeMain.class.getName(),
            List.of(
                "--port", Integer.toString(port), "--tls", "--certificate-output", pem.toString()),
            false);
    try (KinesisTransport admin = Transports.open(KplLiteSide.transportConfig(port))) {
      awaitServe(admin, serve, workspace);
      Runner runner = new Runner(workspace, dir, admin, port, w);

      // Stage 1: full speed.
      runner.fullSpeed("kpl-lite", "warm-up", warmupRunRecords(w));
      runner.fullSpeed("kpl", "warm-up", warmupRunRecords(w));
      List<Double> klRate = new ArrayList<>();
      List<Double> kplRate = new ArrayList<>();
      List<Double> klCpu = new ArrayList<>();
      List<Double> kplCpu = new ArrayList<>();
      List<Double> klMem = new ArrayList<>();
      List<Double> kplMem = new ArrayList<>();
      for (int i = 1; i <= mode.runs(); i++) {
        SideRun kl = runner.fullSpeed("kpl-lite", "run " + i, w.records());
        SideRun kpl = runner.fullSpeed("kpl", "run " + i, w.records());
        klRate.add(kl.recordsPerSecond());
        kplRate.add(kpl.recordsPerSecond());
        klCpu.add(kl.cpuSecondsPerMillion());
        kplCpu.add(kpl.cpuSecondsPerMillion());
        klMem.add(kl.peakMiB());
        kplMem.add(kpl.peakMiB());
      }
      double klPeak = Medians.of(klRate);
      double kplPeak = Medians.of(kplRate);

      // Stage 2: latency at half the slower side's peak.
      double rate = Math.max(1, Math.floor(Math.min(klPeak, kplPeak) / 2));
      latencyRate = rate;
      System.out.printf(Locale.ROOT, "[producer] latency runs at %,.0f records/s%n", rate);
      List<Double> klP50 = new ArrayList<>();
      List<Double> kplP50 = new ArrayList<>();
      List<Double> klP99 = new ArrayList<>();
      List<Double> kplP99 = new ArrayList<>();
      for (int i = 1; i <= mode.runs(); i++) {
        SideRun kl = runner.paced("kpl-lite", "run " + i, rate);
        SideRun kpl = runner.paced("kpl", "run " + i, rate);
        klP50.add(kl.p50Millis());
        kplP50.add(kpl.p50Millis());
        klP99.add(kl.p99Millis());
        kplP99.add(kpl.p99Millis());
      }

      String ceilingNote =
          Math.max(klPeak, kplPeak) > 0.7 * ceiling()
              ? String.format(
                  Locale.ROOT,
                  "; NOTE: above 70 %% of the limiters' ceiling (%,d records/s), so a limiter may"
                      + " have held a side back",
                  ceiling())
              : "";
      String records = String.format(Locale.ROOT, "%,d records of 100 B", w.records());
      return List.of(
          new Row(
              name(),
              "delivered, full speed",
              "records/s",
              klPeak,
              PEER,
              kplPeak,
              Row.Better.HIGHER,
              records + ", aggregation on, first add to last completion" + ceilingNote),
          new Row(
              name(),
              "CPU, full speed",
              "s per M records",
              Medians.of(klCpu),
              PEER,
              Medians.of(kplCpu),
              Row.Better.LOWER,
              "all the side's processes (the KPL's native child too), first add to last"
                  + " completion"),
          new Row(
              name(),
              "peak memory, full speed",
              "MiB",
              Medians.of(klMem),
              PEER,
              Medians.of(kplMem),
              Row.Better.LOWER,
              "sum of the side's processes' peak RSS (VmHWM), the JVM ("
                  + String.join(" ", SIDE_JVM)
                  + ") included"),
          new Row(
              name(),
              "latency p50, half the slower peak",
              "ms",
              Medians.of(klP50),
              PEER,
              Medians.of(kplP50),
              Row.Better.LOWER,
              String.format(
                  Locale.ROOT,
                  "add to acknowledgement at %,.0f records/s; both buffer up to 100 ms",
                  rate)),
          new Row(
              name(),
              "latency p99, half the slower peak",
              "ms",
              Medians.of(klP99),
              PEER,
              Medians.of(kplP99),
              Row.Better.LOWER,
              String.format(Locale.ROOT, "add to acknowledgement at %,.0f records/s", rate)));
    } finally {
      stop(serve);
    }
  }

  /** Waits until serve answers ListStreams over HTTPS. */
  private static void awaitServe(KinesisTransport admin, Process serve, Workspace workspace)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Throwable last = null;
    while (System.nanoTime() - deadline < 0) {
      if (!serve.isAlive()) {
        throw new IllegalStateException(
            "serve exited with "
                + serve.exitValue()
                + "; "
                + tail(workspace.log("producer-serve")));
      }
      try {
        admin.listStreams().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        last = e.getCause() != null ? e.getCause() : e;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("serve did not answer within " + READY_TIMEOUT, last);
  }

  /** Runs the sides one at a time, each with a fresh stream. */
  private static final class Runner {
    private final Workspace workspace;
    private final Path dir;
    private final KinesisTransport admin;
    private final int port;
    private final Workload workload;
    private int sequence;

    Runner(Workspace workspace, Path dir, KinesisTransport admin, int port, Workload workload) {
      this.workspace = workspace;
      this.dir = dir;
      this.admin = admin;
      this.port = port;
      this.workload = workload;
    }

    SideRun fullSpeed(String impl, String label, long records) throws Exception {
      return run(impl, label, List.of("--records", Long.toString(records)));
    }

    SideRun paced(String impl, String label, double rate) throws Exception {
      return run(
          impl,
          label + " (latency)",
          List.of(
              "--rate",
              Double.toString(rate),
              "--warmup-ms",
              Long.toString(workload.latencyWarmupMs()),
              "--duration-ms",
              Long.toString(workload.latencyMs())));
    }

    private SideRun run(String impl, String label, List<String> measure) throws Exception {
      int n = ++sequence;
      String stream = "producer-" + n;
      admin.createStream(stream, SHARDS).join();
      admin.awaitStreamActive(stream, Duration.ofSeconds(60)).join();
      String name = String.format(Locale.ROOT, "producer-%02d-%s", n, impl);
      Path result = dir.resolve(name + ".properties");
      List<String> args = new ArrayList<>();
      args.addAll(
          List.of(
              "--impl",
              impl,
              "--port",
              Integer.toString(port),
              "--stream",
              stream,
              "--result",
              result.toString(),
              "--work",
              dir.toString(),
              "--warmup-records",
              Long.toString(workload.warmupRecords())));
      args.addAll(measure);
      Process side =
          workspace.startJava(
              name, SIDE_JVM, ProducerSideMain.class.getName(), args, impl.equals("kpl"));
      ProcessMeter meter = ProcessMeter.of(side);
      try {
        awaitFile(Path.of(result + ".ready"), side, name, READY_TIMEOUT);
        Thread.sleep(250); // the meter's next sample sees the side idle, ready
        double cpuBefore = meter.cpuSeconds();
        OutputStream stdin = side.getOutputStream();
        stdin.write("go\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        awaitFile(result, side, name, RUN_TIMEOUT);
        meter.stop();
        double cpu = meter.cpuSeconds() - cpuBefore;
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(result)) {
          p.load(in);
        }
        long records = Long.parseLong(p.getProperty("records"));
        long delivered = Long.parseLong(p.getProperty("delivered"));
        long failed = Long.parseLong(p.getProperty("failed"));
        long nanos = Long.parseLong(p.getProperty("nanos"));
        if (failed > 0 || delivered != records) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "%s %s: %,d of %,d records not delivered; first failure: %s; log: %s",
                  impl,
                  label,
                  records - delivered,
                  records,
                  p.getProperty("firstFailure"),
                  workspace.log(name)));
        }
        SideRun r =
            new SideRun(
                delivered * 1e9 / nanos,
                cpu * 1e6 / records,
                meter.peakResidentBytes() / 1048576.0,
                Long.parseLong(p.getProperty("p50Nanos")) / 1e6,
                Long.parseLong(p.getProperty("p99Nanos")) / 1e6);
        System.out.printf(
            Locale.ROOT,
            "[producer] %-8s %-17s %s, %6.2f CPU s per M, %6.0f MiB peak RSS%n",
            impl,
            label,
            r.p50Millis() >= 0
                ? String.format(
                    Locale.ROOT, "p50 %6.1f ms, p99 %6.1f ms", r.p50Millis(), r.p99Millis())
                : String.format(Locale.ROOT, "%,10.0f records/s", r.recordsPerSecond()),
            r.cpuSecondsPerMillion(),
            r.peakMiB());
        return r;
      } finally {
        meter.stop();
        stop(side);
        admin.deleteStream(stream).join();
      }
    }

    private void awaitFile(Path file, Process side, String name, Duration timeout)
        throws InterruptedException, IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!Files.exists(file)) {
        if (!side.isAlive()) {
          throw new IllegalStateException(
              name + " exited with " + side.exitValue() + "; " + tail(workspace.log(name)));
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              name
                  + " wrote no "
                  + file.getFileName()
                  + " within "
                  + timeout
                  + "; "
                  + tail(workspace.log(name)));
        }
        Thread.sleep(20);
      }
    }
  }

  /** Closes the process's standard input (its signal to stop), then waits; kills it if it hangs. */
  private static void stop(Process p) throws InterruptedException {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The last lines of a log, for an error message. */
  static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "no log at " + log;
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    return "its log "
        + log
        + " ends:\n  "
        + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
