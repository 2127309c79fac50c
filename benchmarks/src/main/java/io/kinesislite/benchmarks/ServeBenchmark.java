package io.kinesislite.benchmarks;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.testkit.KinesisMock;
import io.kinesislite.testkit.internal.Executables;
import io.kinesislite.testkit.internal.NpmInstall;
import io.kinesislite.testkit.internal.PeerDefaults;
import io.kinesislite.testkit.internal.PeerProcess;
import io.kinesislite.testkit.internal.Ports;
import io.kinesislite.transport.AwsSdkTransport;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.TransportConfig;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code serve} side by side with the emulators people use instead, each in a process of its own on
 * 127.0.0.1, driven by the same AWS SDK v2 workload from this JVM: {@code serve} in memory, {@code
 * serve} durable (SyncPolicy.INTERVAL, a temporary directory), kinesalite 3.3.3 (in memory) and
 * kinesis-mock 0.6.2 (no persistence). For each target, one after another: the time from starting
 * its process to the first successful ListStreams; put-many throughput (500 records of 100 bytes
 * with random partition keys per call, several client threads, for a fixed duration); get-records
 * throughput reading the stream back from TRIM_HORIZON (10,000 records per call, a reader per
 * shard, round and round); and the process's peak resident memory (VmHWM) after the load. {@code
 * serve} runs with the Kinesis throughput limits off, as the emulators have none.
 *
 * <pre>
 * mvn -B -ntp -pl benchmarks -am package -DskipTests &amp;&amp; java -cp benchmarks/target/benchmarks.jar io.kinesislite.benchmarks.ServeBenchmark --duration 10s
 * </pre>
 *
 * <p>Options: {@code --duration} (each measured phase; default 10s), {@code --warmup} (before each
 * phase, not counted; default 2s), {@code --threads} (client threads; default 4), {@code --shards}
 * (default 4), {@code --targets} (a comma-separated subset of {@code serve-memory}, {@code
 * serve-interval}, {@code kinesalite}, {@code kinesis-mock}), {@code --protocol} ({@code json}, the
 * default, for every target; or {@code cbor}, the SDK's default, for every target but kinesalite,
 * which speaks only JSON), {@code --serve-jvm-args} (options for serve's JVM, quoted, split at
 * spaces; default none).
 *
 * <p>kinesalite and kinesis-mock are installed with npm into the testkit's peer cache on first use,
 * as the testkit installs kinesis-mock; the run needs node and npm for them.
 */
public final class ServeBenchmark {
  static final int RECORD_BYTES = 100;
  static final int PUT_BATCH = 500;
  static final int GET_LIMIT = 10_000;
  static final String STREAM = "serve-bench";
  public static final String KINESALITE_VERSION = "3.3.3";
  private static final String PREFIX = "[ServeBenchmark] ";
  private static final String CBOR_PROPERTY = "aws.cborEnabled";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final long READY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final int SHARD_LIMIT = 1000;

  /** What is measured. */
  enum Target {
    SERVE_MEMORY("serve-memory", "serve (memory)"),
    SERVE_INTERVAL("serve-interval", "serve (durable, interval)"),
    KINESALITE("kinesalite", "kinesalite " + KINESALITE_VERSION),
    KINESIS_MOCK("kinesis-mock", "kinesis-mock " + KinesisMock.VERSION);

    final String id;
    final String label;

    Target(String id, String label) {
      this.id = id;
      this.label = label;
    }

    static Target of(String id) {
      for (Target t : values()) {
        if (t.id.equals(id)) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "unknown target '"
              + id
              + "'; the targets are "
              + Arrays.stream(values()).map(t -> t.id).toList());
    }

    boolean speaksCbor() {
      return this != KINESALITE;
    }
  }

  /** How to run. */
  record Options(
      Duration duration,
      Duration warmup,
      int threads,
      int shards,
      List<Target> targets,
      boolean cbor,
      List<String> serveJvmArgs) {

    static Options defaults() {
      return new Options(
          Duration.ofSeconds(10),
          Duration.ofSeconds(2),
          4,
          4,
          List.of(Target.values()),
          false,
          List.of());
    }

    static Options parse(String[] args) {
      Options o = defaults();
      for (int i = 0; i < args.length; i += 2) {
        String option = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[i + 1];
        o =
            switch (option) {
              case "--duration" ->
                  o.with(ServeBenchmark.duration(value), o.warmup, o.threads, o.shards);
              case "--warmup" ->
                  o.with(o.duration, ServeBenchmark.duration(value), o.threads, o.shards);
              case "--threads" -> o.with(o.duration, o.warmup, positive(option, value), o.shards);
              case "--shards" -> o.with(o.duration, o.warmup, o.threads, positive(option, value));
              case "--targets" ->
                  new Options(
                      o.duration,
                      o.warmup,
                      o.threads,
                      o.shards,
                      Arrays.stream(value.split(",")).map(String::strip).map(Target::of).toList(),
                      o.cbor,
                      o.serveJvmArgs);
              case "--protocol" ->
                  new Options(
                      o.duration,
                      o.warmup,
                      o.threads,
                      o.shards,
                      o.targets,
                      switch (value) {
                        case "json" -> false;
                        case "cbor" -> true;
                        default ->
                            throw new IllegalArgumentException(
                                "--protocol is json or cbor, not '" + value + "'");
                      },
                      o.serveJvmArgs);
              case "--serve-jvm-args" ->
                  new Options(
                      o.duration,
                      o.warmup,
                      o.threads,
                      o.shards,
                      o.targets,
                      o.cbor,
                      value.isBlank() ? List.of() : List.of(value.strip().split("\\s+")));
              default -> throw new IllegalArgumentException("unknown option " + option);
            };
      }
      return o;
    }

    private Options with(Duration duration, Duration warmup, int threads, int shards) {
      return new Options(duration, warmup, threads, shards, targets, cbor, serveJvmArgs);
    }

    boolean cbor(Target target) {
      return cbor && target.speaksCbor();
    }
  }

  /** One measured phase: records moved, calls made, and what went wrong. */
  record Phase(
      long records,
      long calls,
      long nanos,
      long failedRecords,
      Map<String, Long> errors,
      double targetCpuSeconds,
      double clientCpuSeconds,
      double otherCpuSeconds) {
    Phase withCpu(double target, double client, double other) {
      return new Phase(records, calls, nanos, failedRecords, errors, target, client, other);
    }

    /**
     * The share of the machine's CPU time that other processes used during the phase: a figure
     * measured on a busy machine is not comparable.
     */
    double otherCpuShare() {
      double available = nanos / 1e9 * Runtime.getRuntime().availableProcessors();
      return available <= 0 ? 0 : Math.max(0, otherCpuSeconds) / available;
    }

    /** CPU seconds of the target's process per million records. */
    double targetCpuPerMillion() {
      return records == 0 ? 0 : targetCpuSeconds * 1e6 / records;
    }

    /** CPU seconds of this (the client's) process per million records. */
    double clientCpuPerMillion() {
      return records == 0 ? 0 : clientCpuSeconds * 1e6 / records;
    }

    double perSecond() {
      return nanos == 0 ? 0 : records * 1e9 / nanos;
    }

    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** One target's figures. */
  record Result(
      Target target,
      String protocol,
      long readyMillis,
      Phase put,
      Phase get,
      long storedRecords,
      long peakRssKib,
      long rssKib,
      Path log) {}

  private ServeBenchmark() {}

  /**
   * One target's figures as values, for callers outside this class (the side-by-side comparison,
   * {@code compare.EngineComparison}).
   *
   * @param target the target's id, e.g. {@code kinesalite}
   * @param label its name with its version, e.g. {@code kinesalite 3.3.3}
   * @param readyMillis from starting its process to the first successful ListStreams
   * @param putPerSecond records put per second in the measured put phase
   * @param getPerSecond records read per second in the measured get phase
   * @param storedRecords the records the target held after the load (what it accepted)
   * @param peakRssMiB the process's peak resident memory (VmHWM) after the load, in MiB
   * @param errors failed calls and failed put entries (each counted once), warm-up included
   * @param otherCpuShare the largest share of the machine's CPU other processes used in a phase
   */
  public record Figures(
      String target,
      String label,
      long readyMillis,
      double putPerSecond,
      double getPerSecond,
      long storedRecords,
      double peakRssMiB,
      long errors,
      double otherCpuShare) {}

  /**
   * Measures {@code targets} (ids as {@code --targets} takes them) one after another in this order,
   * with the default workload (4 client threads, 4 shards, JSON) and the phases given; process logs
   * go to {@code runDir}. A target that cannot be measured is left out of the answer and its reason
   * added to {@code failures}.
   */
  public static List<Figures> measure(
      List<String> targets, Duration duration, Duration warmup, Path runDir, List<String> failures)
      throws InterruptedException {
    Options d = Options.defaults();
    Options options =
        new Options(
            duration,
            warmup,
            d.threads(),
            d.shards(),
            targets.stream().map(Target::of).toList(),
            false,
            List.of());
    List<Figures> figures = new ArrayList<>();
    for (Result r : runAll(options, runDir, failures)) {
      figures.add(
          new Figures(
              r.target().id,
              r.target().label,
              r.readyMillis(),
              r.put().perSecond(),
              r.get().perSecond(),
              r.storedRecords(),
              r.peakRssKib() / 1024.0,
              r.put().errorCount() + r.get().errorCount(),
              Math.max(r.put().otherCpuShare(), r.get().otherCpuShare())));
    }
    return figures;
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Options options = Options.parse(args);
    Path runDir = Files.createTempDirectory("serve-benchmark-");
    System.out.println(
        PREFIX
            + "duration "
            + options.duration().toMillis()
            + " ms per phase after "
            + options.warmup().toMillis()
            + " ms of warm-up; "
            + options.threads()
            + " client threads; "
            + options.shards()
            + " shards; protocol "
            + (options.cbor() ? "CBOR (kinesalite: JSON)" : "JSON")
            + "; logs in "
            + runDir);
    List<String> failures = new ArrayList<>();
    List<Result> results = runAll(options, runDir, failures);
    System.out.println();
    System.out.print(table(results));
    System.out.print(aims(results));
    failures.forEach(f -> System.out.println(PREFIX + f));
    boolean errors = !failures.isEmpty();
    for (Result r : results) {
      errors |= printErrors(r);
    }
    if (errors) {
      System.exit(1);
    }
  }

  /** Runs every target of {@code options} in turn, with process logs in {@code runDir}. */
  static List<Result> run(Options options, Path runDir) throws IOException, InterruptedException {
    warmUpClient(options);
    List<Result> results = new ArrayList<>();
    for (Target target : options.targets()) {
      Result result = run(target, options, runDir);
      System.out.println(PREFIX + line(result));
      results.add(result);
    }
    return results;
  }

  /** {@link #run(Options, Path)}, going on to the next target when one cannot be measured. */
  static List<Result> runAll(Options options, Path runDir, List<String> failures)
      throws InterruptedException {
    warmUpClient(options);
    List<Result> results = new ArrayList<>();
    for (Target target : options.targets()) {
      try {
        Result result = run(target, options, runDir);
        System.out.println(PREFIX + line(result));
        results.add(result);
      } catch (RuntimeException | IOException e) {
        String failure = target.label + " was not measured: " + e;
        System.out.println(PREFIX + failure);
        failures.add(failure);
      }
    }
    return results;
  }

  // ---- one target ----

  private static Result run(Target target, Options options, Path runDir)
      throws IOException, InterruptedException {
    Launch launch = prepare(target, options, runDir);
    String endpoint = "http://127.0.0.1:" + launch.port;
    boolean cbor = options.cbor(target);
    // One attempt and a long call timeout: a call that connects waits for the answer, so readiness
    // is seen when it comes.
    TransportConfig probeConfig =
        TransportConfig.builder()
            .selection(endpoint)
            .maxAttempts(1)
            .connectTimeout(Duration.ofSeconds(1))
            .callTimeout(Duration.ofSeconds(30))
            .build();
    TransportConfig loadConfig = TransportConfig.builder().selection(endpoint).build();
    try (KinesisTransport probe = open(probeConfig, cbor);
        KinesisTransport kinesis = open(loadConfig, cbor)) {
      long started = System.nanoTime();
      PeerProcess process =
          PeerProcess.start(target.id, launch.command, launch.env, launch.workDir, launch.log);
      try {
        long readyNanos = awaitReady(probe, launch.port, process, target, started);
        kinesis.createStream(STREAM, options.shards()).join();
        kinesis.awaitStreamActive(STREAM, Duration.ofSeconds(30)).join();
        List<Shard> shards = kinesis.listShards(STREAM).join();
        Phase warmPut = put(kinesis, options.threads(), options.warmup());
        CpuClock cpu = new CpuClock(process.pid());
        Phase put = cpu.measure(() -> put(kinesis, options.threads(), options.duration()));
        Phase warmGet = get(kinesis, shards, options.threads(), options.warmup());
        Phase get = cpu.measure(() -> get(kinesis, shards, options.threads(), options.duration()));
        requireAlive(process, target, "after the load");
        Map<String, Long> status = status(process.pid());
        return new Result(
            target,
            cbor ? "CBOR" : "JSON",
            TimeUnit.NANOSECONDS.toMillis(readyNanos),
            merged(put, warmPut),
            merged(get, warmGet),
            warmPut.records() + put.records(),
            status.getOrDefault("VmHWM", -1L),
            status.getOrDefault("VmRSS", -1L),
            launch.log);
      } finally {
        process.close();
      }
    }
  }

  /** The measured phase, with the warm-up's errors added so that none goes unreported. */
  private static Phase merged(Phase measured, Phase warmup) {
    if (warmup.errors().isEmpty() && warmup.failedRecords() == 0) {
      return measured;
    }
    Map<String, Long> errors = new TreeMap<>(measured.errors());
    warmup.errors().forEach((k, v) -> errors.merge("(warm-up) " + k, v, Long::sum));
    return new Phase(
        measured.records(),
        measured.calls(),
        measured.nanos(),
        measured.failedRecords() + warmup.failedRecords(),
        errors,
        measured.targetCpuSeconds(),
        measured.clientCpuSeconds(),
        measured.otherCpuSeconds());
  }

  private static long awaitReady(
      KinesisTransport probe, int port, PeerProcess process, Target target, long started)
      throws InterruptedException {
    long deadline = started + READY_TIMEOUT.toNanos();
    Throwable last = null;
    while (true) {
      requireAlive(process, target, "before it was ready");
      // The SDK is asked only once the port takes connections: a call to a port that refuses
      // them sometimes does not fail until the call timeout (AWS SDK 2.41.21, Netty client).
      if (accepts(port)) {
        try {
          probe.listStreams().get();
          return System.nanoTime() - started;
        } catch (ExecutionException e) {
          last = e.getCause();
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            target.label
                + " answered no ListStreams within "
                + READY_TIMEOUT
                + " (last: "
                + last
                + "); its log: "
                + process.logFile()
                + "\n"
                + process.logTail(20));
      }
      LockSupport.parkNanos(READY_POLL_NANOS);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void requireAlive(PeerProcess process, Target target, String when) {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          target.label
              + " exited with code "
              + process.exitCode().orElse(-1)
              + " "
              + when
              + "; its log: "
              + process.logFile()
              + "\n"
              + process.logTail(20));
    }
  }

  // ---- the workload ----

  /** Put-many calls of PUT_BATCH records from {@code threads} threads for {@code duration}. */
  static Phase put(KinesisTransport kinesis, int threads, Duration duration)
      throws InterruptedException {
    Counters counters = new Counters();
    return counters.run(
        threads,
        duration,
        (index, deadline) -> {
          List<PutEntry> batch = batch(index);
          while (System.nanoTime() - deadline < 0) {
            try {
              PutRecordsResult result = kinesis.putRecords(STREAM, batch).join();
              counters.calls.increment();
              int failed = result.failedCount();
              counters.records.add(batch.size() - failed);
              if (failed > 0) {
                counters.failed.add(failed);
                for (PutRecordsEntryResult entry : result.entries()) {
                  if (entry instanceof PutFailure f) {
                    counters.error("PutRecords entry " + f.errorCode() + ": " + f.errorMessage());
                  }
                }
              }
            } catch (CompletionException e) {
              counters.error("PutRecords", e.getCause());
            }
          }
        });
  }

  /**
   * Get-records calls of up to GET_LIMIT records from {@code threads} threads for {@code duration}:
   * thread i reads shard i modulo the shard count from TRIM_HORIZON to the newest record, then
   * starts again at TRIM_HORIZON. The GetShardIterator calls count as calls, not as records.
   */
  static Phase get(KinesisTransport kinesis, List<Shard> shards, int threads, Duration duration)
      throws InterruptedException {
    Counters counters = new Counters();
    return counters.run(
        threads,
        duration,
        (index, deadline) -> {
          String shardId = shards.get(index % shards.size()).shardId();
          String iterator = null;
          while (System.nanoTime() - deadline < 0) {
            try {
              if (iterator == null) {
                iterator =
                    kinesis
                        .getShardIterator(STREAM, shardId, StartingPosition.trimHorizon())
                        .join();
                counters.calls.increment();
              }
              GetRecordsResult page = kinesis.getRecords(iterator, GET_LIMIT).join();
              counters.calls.increment();
              int n = page.records().size();
              counters.records.add(n);
              boolean atTip = n == 0 || (n < GET_LIMIT && page.millisBehindLatest() == 0);
              iterator = atTip ? null : page.nextShardIterator().orElse(null);
            } catch (CompletionException e) {
              counters.error(iterator == null ? "GetShardIterator" : "GetRecords", e.getCause());
              iterator = null;
            }
          }
        });
  }

  /** A writer's batch: PUT_BATCH records of RECORD_BYTES random bytes and random keys. */
  static List<PutEntry> batch(int seed) {
    Random random = new Random(seed);
    List<PutEntry> batch = new ArrayList<>(PUT_BATCH);
    for (int i = 0; i < PUT_BATCH; i++) {
      byte[] data = new byte[RECORD_BYTES];
      random.nextBytes(data);
      batch.add(PutEntry.of("key-" + random.nextLong(), data));
    }
    return batch;
  }

  @FunctionalInterface
  private interface Loop {
    void run(int index, long deadline);
  }

  private static final class Counters {
    final LongAdder records = new LongAdder();
    final LongAdder calls = new LongAdder();
    final LongAdder failed = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    void error(String operation, Throwable cause) {
      String code =
          cause instanceof KinesisLiteException k
              ? k.errorCode().map(c -> " [" + c + "]").orElse("")
              : "";
      error(operation + ": " + cause.getClass().getSimpleName() + code + ": " + cause.getMessage());
      // No hot loop against a target that fails at once.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }

    void error(String what) {
      errors.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    /** Runs the loop on {@code threads} threads; the time counted ends with the last call. */
    Phase run(int threads, Duration duration, Loop loop) throws InterruptedException {
      if (duration.isZero()) {
        return new Phase(0, 0, 0, 0, Map.of(), 0, 0, 0);
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          int index = i;
          futures.add(pool.submit(() -> loop.run(index, deadline)));
        }
        for (Future<?> f : futures) {
          try {
            f.get();
          } catch (ExecutionException e) {
            throw new IllegalStateException("a client thread failed", e.getCause());
          }
        }
        long nanos = System.nanoTime() - start;
        Map<String, Long> summary = new TreeMap<>();
        errors.forEach((k, v) -> summary.put(k, v.sum()));
        return new Phase(records.sum(), calls.sum(), nanos, failed.sum(), summary, 0, 0, 0);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  // ---- the targets' processes ----

  private record Launch(
      List<String> command, Map<String, String> env, Path workDir, Path log, int port) {}

  private static Launch prepare(Target target, Options options, Path runDir) throws IOException {
    Path workDir = Files.createTempDirectory(runDir, target.id + "-");
    Path log = runDir.resolve(target.id + ".log");
    Map<String, String> env = new HashMap<>(System.getenv());
    int port = Ports.free();
    List<String> command = new ArrayList<>();
    switch (target) {
      case SERVE_MEMORY, SERVE_INTERVAL -> {
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options.serveJvmArgs());
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add(ServeMain.class.getName());
        command.add("--port");
        command.add(Integer.toString(port));
        if (target == Target.SERVE_INTERVAL) {
          command.add("--dir");
          command.add(workDir.resolve("data").toString());
          command.add("--sync");
          command.add("interval");
        }
      }
      case KINESALITE -> {
        Path node = node();
        Path dir = npmInstall("kinesalite", KINESALITE_VERSION, "cli.js", node, runDir);
        // As 'cli.js --port P --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0
        // --shardLimit 1000' (in memory), but bound to 127.0.0.1, which cli.js cannot do.
        String script =
            WATCHDOG
                + "require("
                + jsString(dir.toString())
                + ")({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: "
                + SHARD_LIMIT
                + "}).listen("
                + port
                + ", '127.0.0.1');\n";
        command.addAll(List.of(node.toString(), "-e", script));
      }
      case KINESIS_MOCK -> {
        Path node = node();
        Path dir = npmInstall("kinesis-local", KinesisMock.VERSION, "main.js", node, runDir);
        Path watchdog = workDir.resolve("exit-with-parent.js");
        Files.writeString(watchdog, WATCHDOG, StandardCharsets.UTF_8);
        // As the testkit's KinesisMock, without libfaketime: every operation instant, nothing
        // persisted or loaded.
        env.keySet().removeIf(k -> k.startsWith("FAKETIME") || k.startsWith("PERSIST_"));
        env.remove("INITIALIZE_STREAMS");
        env.put("KINESIS_MOCK_CERT_PATH", dir.resolve("server.json").toString());
        env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(port));
        env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(Ports.free()));
        for (String name :
            List.of(
                "CREATE_STREAM_DURATION",
                "DELETE_STREAM_DURATION",
                "REGISTER_STREAM_CONSUMER_DURATION",
                "DEREGISTER_STREAM_CONSUMER_DURATION",
                "START_STREAM_ENCRYPTION_DURATION",
                "STOP_STREAM_ENCRYPTION_DURATION",
                "SPLIT_SHARD_DURATION",
                "MERGE_SHARDS_DURATION",
                "UPDATE_SHARD_COUNT_DURATION",
                "UPDATE_STREAM_MODE_DURATION")) {
          env.put(name, "0ms");
        }
        env.put("LOAD_DATA_IF_EXISTS", "false");
        env.put("SHOULD_PERSIST_DATA", "false");
        env.put("SHARD_LIMIT", Integer.toString(SHARD_LIMIT));
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCOUNT_ID", "000000000000");
        env.put("LOG_LEVEL", "INFO");
        command.addAll(
            List.of(
                node.toString(),
                "--require",
                watchdog.toString(),
                dir.resolve("main.js").toString()));
      }
      default -> throw new AssertionError(target);
    }
    return new Launch(command, env, workDir, log, port);
  }

  // node exits when its stdin, a pipe from this JVM, closes: so it never outlives the benchmark.
  // The original process.exit is kept, as kinesis-mock replaces it with a graceful shutdown.
  private static final String WATCHDOG =
      """
      'use strict';
      const exitNow = process.exit.bind(process);
      process.stdin.on('end', () => exitNow(0));
      process.stdin.on('error', () => exitNow(0));
      process.stdin.resume();
      """;

  private static Path node() {
    return Executables.find("node")
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "node is not on PATH; kinesalite and kinesis-mock"
                        + " need it (or leave them out with --targets serve-memory,serve-interval)"));
  }

  private static Path npmInstall(
      String name, String version, String entryPoint, Path node, Path runDir) throws IOException {
    NpmInstall install = new NpmInstall(PeerDefaults.cacheDir(), name, version, entryPoint);
    if (!install.isInstalled()) {
      Path npm =
          Executables.find("npm")
              .orElseThrow(() -> new IllegalStateException("npm is not on PATH"));
      System.out.println(PREFIX + "installing " + name + "@" + version + " with npm");
      try {
        install.ensureInstalled(npm, node.getParent(), runDir.resolve("npm-" + name + ".log"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while installing " + name, e);
      }
    }
    return install.packageDir();
  }

  // The target runs in a directory of its own, so relative entries would not resolve there.
  private static String absoluteClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isEmpty())
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static String jsString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  @FunctionalInterface
  private interface PhaseRun {
    Phase run() throws IOException, InterruptedException;
  }

  /** CPU time of the target's process (from /proc) and of this one, around a phase. */
  private record CpuClock(long pid) {
    // USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on Linux for decades.
    private static final double TICKS_PER_SECOND = 100;

    Phase measure(PhaseRun phase) throws IOException, InterruptedException {
      double machine = machineSeconds();
      double target = targetSeconds();
      double client = clientSeconds();
      Phase result = phase.run();
      double targetUsed = targetSeconds() - target;
      double clientUsed = clientSeconds() - client;
      double machineUsed = machineSeconds() - machine;
      return result.withCpu(targetUsed, clientUsed, machineUsed - targetUsed - clientUsed);
    }

    /** CPU time every process of the machine used: the busy columns of /proc/stat's cpu line. */
    private static double machineSeconds() throws IOException {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.strip().split("\\s+");
      long busy = 0;
      // user nice system idle iowait irq softirq steal (guest time is counted in user already)
      for (int i = 1; i <= 8 && i < f.length; i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return busy / TICKS_PER_SECOND;
    }

    private double targetSeconds() throws IOException {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    private static double clientSeconds() {
      return ((com.sun.management.OperatingSystemMXBean)
                  ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime()
          / 1e9;
    }
  }

  /** The "Vm…" lines of /proc/PID/status, in KiB. */
  static Map<String, Long> status(long pid) throws IOException {
    Map<String, Long> values = new HashMap<>();
    Pattern line = Pattern.compile("(Vm\\w+):\\s+(\\d+) kB");
    for (String s : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      Matcher m = line.matcher(s);
      if (m.matches()) {
        values.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    return values;
  }

  /**
   * Opens an AWS SDK transport speaking CBOR or JSON. The SDK reads {@code aws.cborEnabled} when it
   * builds a client, so the property is set only while this one is built.
   */
  static synchronized KinesisTransport open(TransportConfig config, boolean cbor) {
    String before = System.getProperty(CBOR_PROPERTY);
    System.setProperty(CBOR_PROPERTY, Boolean.toString(cbor));
    try {
      return AwsSdkTransport.create(config);
    } finally {
      if (before == null) {
        System.clearProperty(CBOR_PROPERTY);
      } else {
        System.setProperty(CBOR_PROPERTY, before);
      }
    }
  }

  /**
   * Runs the client's code paths once against an in-process server, so that class loading and the
   * first compilations in this JVM do not count towards the first target's figures.
   */
  private static void warmUpClient(Options options) throws InterruptedException {
    try (KinesisServer server =
        KinesisServer.start(
            ServerConfig.builder()
                .port(0)
                .engine(EngineConfig.builder().limitsEnabled(false).build())
                .build())) {
      for (boolean cbor : options.cbor() ? List.of(true, false) : List.of(false)) {
        try (KinesisTransport kinesis =
            open(TransportConfig.builder().selection(server.endpoint().toString()).build(), cbor)) {
          String stream = "warm-up-" + cbor;
          kinesis.createStream(stream, 2).join();
          for (int i = 0; i < 50; i++) {
            kinesis.listStreams().join();
          }
          List<PutEntry> batch = batch(-1);
          for (int i = 0; i < 20; i++) {
            kinesis.putRecords(stream, batch).join();
          }
          List<Shard> shards = kinesis.listShards(stream).join();
          get(kinesis, shards, 2, Duration.ofMillis(300));
        }
      }
    }
  }

  // ---- reporting ----

  static String line(Result r) {
    return String.format(
        Locale.ROOT,
        "%s (%s): ready %d ms; put %,.0f records/s (%,d calls; CPU s per million records:"
            + " target %.2f, client %.2f); get %,.0f records/s (%,d calls; CPU s per million:"
            + " target %.2f, client %.2f); %,d records stored; peak RSS %,.0f MB (%,.0f MB at"
            + " the end); errors: %d; other processes used %.0f%% / %.0f%% of the machine's CPU"
            + " during put / get",
        r.target().label,
        r.protocol(),
        r.readyMillis(),
        r.put().perSecond(),
        r.put().calls(),
        r.put().targetCpuPerMillion(),
        r.put().clientCpuPerMillion(),
        r.get().perSecond(),
        r.get().calls(),
        r.get().targetCpuPerMillion(),
        r.get().clientCpuPerMillion(),
        r.storedRecords(),
        r.peakRssKib() / 1024.0,
        r.rssKib() / 1024.0,
        r.put().errorCount() + r.get().errorCount(),
        100 * r.put().otherCpuShare(),
        100 * r.get().otherCpuShare());
  }

  /** The table, with ratios to serve (memory) when it was measured. */
  static String table(List<Result> results) {
    Optional<Result> base =
        results.stream().filter(r -> r.target() == Target.SERVE_MEMORY).findFirst();
    StringBuilder out = new StringBuilder();
    String format = "%-27s %-8s %9s %13s %13s %11s %12s %9s %9s %9s %9s%n";
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "target",
            "protocol",
            "ready ms",
            "put rec/s",
            "get rec/s",
            "stored",
            "peak RSS MB",
            "put/serve",
            "get/serve",
            "RSS/serve",
            "other CPU"));
    for (Result r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              format,
              r.target().label,
              r.protocol(),
              String.format(Locale.ROOT, "%,d", r.readyMillis()),
              String.format(Locale.ROOT, "%,.0f", r.put().perSecond()),
              String.format(Locale.ROOT, "%,.0f", r.get().perSecond()),
              String.format(Locale.ROOT, "%,d", r.storedRecords()),
              String.format(Locale.ROOT, "%,.0f", r.peakRssKib() / 1024.0),
              base.map(b -> ratio(r.put().perSecond(), b.put().perSecond())).orElse("-"),
              base.map(b -> ratio(r.get().perSecond(), b.get().perSecond())).orElse("-"),
              base.map(b -> ratio(r.peakRssKib(), b.peakRssKib())).orElse("-"),
              String.format(
                  Locale.ROOT,
                  "%.0f%%",
                  100 * Math.max(r.put().otherCpuShare(), r.get().otherCpuShare()))));
    }
    return out.toString();
  }

  /** Whether the aims hold: put more than 20x kinesalite's, ready sooner than kinesis-mock. */
  static String aims(List<Result> results) {
    String noise = "";
    double worst =
        results.stream()
            .mapToDouble(r -> Math.max(r.put().otherCpuShare(), r.get().otherCpuShare()))
            .max()
            .orElse(0);
    if (worst > 0.10) {
      noise =
          String.format(
              Locale.ROOT,
              "warning: other processes used up to %.0f%% of the machine's CPU during a phase"
                  + " (column 'other CPU'); such figures are not comparable%n",
              100 * worst);
    }
    return noise + aimLines(results);
  }

  private static String aimLines(List<Result> results) {
    Map<Target, Result> by = new LinkedHashMap<>();
    results.forEach(r -> by.put(r.target(), r));
    Result serve = by.get(Target.SERVE_MEMORY);
    StringBuilder out = new StringBuilder();
    if (serve == null) {
      return "";
    }
    Result kinesalite = by.get(Target.KINESALITE);
    if (kinesalite != null && kinesalite.put().perSecond() > 0) {
      double x = serve.put().perSecond() / kinesalite.put().perSecond();
      out.append(
          String.format(
              Locale.ROOT,
              "aim: put more than 20x kinesalite's: serve (memory) puts %.1fx kinesalite's: %s%n",
              x,
              x > 20 ? "met" : "NOT met"));
    }
    Result mock = by.get(Target.KINESIS_MOCK);
    if (mock != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "aim: ready sooner than kinesis-mock: serve (memory) %d ms, kinesis-mock %d ms: %s%n",
              serve.readyMillis(),
              mock.readyMillis(),
              serve.readyMillis() < mock.readyMillis() ? "met" : "NOT met"));
    }
    return out.toString();
  }

  private static boolean printErrors(Result r) {
    boolean any = false;
    for (Map.Entry<String, Map<String, Long>> phase :
        Map.of("put", r.put().errors(), "get", r.get().errors()).entrySet()) {
      for (Map.Entry<String, Long> e : phase.getValue().entrySet()) {
        any = true;
        System.out.println(
            PREFIX
                + r.target().label
                + " "
                + phase.getKey()
                + " error x"
                + e.getValue()
                + ": "
                + e.getKey());
      }
    }
    if (any) {
      System.out.println(PREFIX + r.target().label + " log: " + r.log());
    }
    return any;
  }

  private static String ratio(double value, double base) {
    return base <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", value / base);
  }

  static Duration duration(String text) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m)?").matcher(text.strip());
    if (!m.matches()) {
      return Duration.parse(text);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static int positive(String option, String value) {
    int n = Integer.parseInt(value);
    if (n < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, not " + n);
    }
    return n;
  }
}
