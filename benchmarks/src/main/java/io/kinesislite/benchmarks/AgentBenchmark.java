package io.kinesislite.benchmarks;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.InitialPosition;
import io.kinesislite.agent.LogAgent;
import io.kinesislite.agent.LogFormat;
import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.KinesisTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The log agent shipping one file of 150-byte Apache combined log lines ({@code sizeMiB} of them)
 * from its start into the in-memory engine (4 shards, limits off), aggregated, either as read
 * ({@code raw}) or parsed to JSON ({@code json}). Each invocation starts a fresh agent on a fresh
 * stream and ends when the stream has acknowledged every line. The lines starting with {@code
 * [AgentBenchmark]} give lines/s, MiB/s, process CPU seconds per GiB and the peak heap (which
 * includes the engine holding every record), and, for scale, how long {@code wc -l} takes on the
 * same file.
 *
 * <pre>
 * mvn -B -ntp -pl benchmarks -am package -DskipTests &amp;&amp; java -jar benchmarks/target/benchmarks.jar AgentBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx8g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class AgentBenchmark {
  public static final int LINE_BYTES = 150;
  private static final String PREFIX = "[AgentBenchmark] ";

  /** {@code raw}: records as read; {@code json}: each line parsed to JSON first. */
  @Param({"raw", "json"})
  public String mode;

  /** The file's size in MiB. */
  @Param("1024")
  public int sizeMiB;

  private Path dir;
  private Path file;
  private long lines;
  private long fileBytes;
  private int iteration;
  private final List<double[]> measured = new ArrayList<>(); // seconds, cpu seconds

  // Per iteration.
  private ShardEngine engine;
  private KinesisTransport kinesis;
  private SimpleMeterRegistry meters;
  private LogAgent agent;
  private long startNanos;
  private long startCpu;

  @Setup(Level.Trial)
  public void writeFile() throws IOException {
    if (!mode.equals("raw") && !mode.equals("json")) {
      throw new IllegalArgumentException("mode must be raw or json: " + mode);
    }
    dir = Files.createTempDirectory("agent-bench");
    file = dir.resolve("logs").resolve("access.log");
    Files.createDirectories(file.getParent());
    lines = writeAccessLog(file, (long) sizeMiB << 20);
    fileBytes = lines * LINE_BYTES;
    System.out.printf(
        Locale.ROOT,
        "%smode=%s: %,d lines, %,d bytes in %s%n",
        PREFIX,
        mode,
        lines,
        fileBytes,
        file);
    wcFloor();
  }

  /**
   * Writes {@code file}: as many {@value #LINE_BYTES}-byte Apache combined log lines (newline
   * included; random addresses, paths, statuses and sizes from a fixed seed, the agent string
   * padded) as fit in {@code bytes}. Also used by the side-by-side comparison ({@code
   * compare.AgentComparison}).
   *
   * @return the number of lines written
   */
  public static long writeAccessLog(Path file, long bytes) throws IOException {
    long fileBytes = 0;
    long lines = 0;
    Random random = new Random(42);
    String[] paths = {"/", "/index.html", "/api/orders", "/api/users/42", "/static/app.js"};
    int[] statuses = {200, 200, 200, 304, 404, 500};
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      StringBuilder line = new StringBuilder(LINE_BYTES);
      while (fileBytes + LINE_BYTES <= bytes) {
        line.setLength(0);
        line.append(random.nextInt(256))
            .append('.')
            .append(random.nextInt(256))
            .append(".0.")
            .append(random.nextInt(256))
            .append(" - - [02/Dec/2026:08:")
            .append(String.format(Locale.ROOT, "%02d:%02d", random.nextInt(60), random.nextInt(60)))
            .append(" +0000] \"GET ")
            .append(paths[random.nextInt(paths.length)])
            .append(" HTTP/1.1\" ")
            .append(statuses[random.nextInt(statuses.length)])
            .append(' ')
            .append(random.nextInt(100_000))
            .append(" \"-\" \"Mozilla/5.0 (X11; Linux x86_64) bench/")
            .append(random.nextInt(10));
        // Pad the agent string so that every line is LINE_BYTES long, newline included.
        while (line.length() < LINE_BYTES - 2) {
          line.append('x');
        }
        line.setLength(LINE_BYTES - 2);
        line.append("\"\n");
        out.write(line.toString().getBytes(StandardCharsets.US_ASCII));
        fileBytes += LINE_BYTES;
        lines++;
      }
    }
    return lines;
  }

  // How long `wc -l` takes on the file: the speed of merely reading it and finding newlines.
  private void wcFloor() {
    try {
      long start = System.nanoTime();
      Process wc =
          new ProcessBuilder("wc", "-l", file.toString()).redirectErrorStream(true).start();
      String out = new String(wc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      wc.waitFor();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%swc -l: %s in %.2f s, %.0f MiB/s%n",
          PREFIX,
          out,
          seconds,
          fileBytes / 1048576.0 / seconds);
    } catch (IOException e) {
      System.out.println(PREFIX + "wc -l: not run (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A fresh engine, stream, state and agent; the clock starts when the agent does. */
  @Setup(Level.Iteration)
  public void startAgent() throws IOException {
    iteration++;
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    kinesis.createStream("agent-bench", 4).join();
    List<ProcessorSpec> processing =
        mode.equals("json")
            ? List.of(
                new ProcessorSpec.LogToJson(
                    LogFormat.COMBINED_APACHE,
                    Optional.empty(),
                    List.of(),
                    ProcessorSpec.OnError.PASS))
            : List.of();
    FlowConfig flow =
        FlowConfig.builder("agent-bench")
            .files(List.of(file.toString()))
            .initialPosition(InitialPosition.START_OF_FILE)
            .processing(processing)
            .build();
    AgentConfig config =
        AgentConfig.builder()
            .flows(List.of(flow))
            .stateDirectory(Files.createDirectories(dir.resolve("state-" + iteration)))
            .metricsAddress(null)
            .maxBufferedBytes(256L << 20)
            .producer(ProducerConfig.builder().rateLimit(Long.MAX_VALUE).build())
            .build();
    meters = new SimpleMeterRegistry();
    startNanos = System.nanoTime();
    startCpu = processCpuNanos();
    agent = LogAgent.start(config, meters, f -> kinesis);
  }

  /** Waits until every line is acknowledged; returns how many were. */
  @Benchmark
  public long ship() {
    return awaitShipped();
  }

  long awaitShipped() {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    while (true) {
      Counter sent = meters.find("kinesislite.agent.records.sent").counter();
      long done = sent == null ? 0 : (long) sent.count();
      if (done >= lines) {
        return done;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("only " + done + " of " + lines + " lines shipped");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  @TearDown(Level.Iteration)
  public void stopAgent() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double cpu = (processCpuNanos() - startCpu) / 1e9;
    agent.close();
    kinesis.close();
    engine.close();
    boolean warmUp = iteration == 1;
    if (!warmUp) {
      measured.add(new double[] {seconds, cpu});
    }
    System.out.printf(
        Locale.ROOT,
        "%smode=%s %s %d: %,.0f lines/s, %.1f MiB/s, %.2f CPU s per GiB, peak heap %,d MiB%n",
        PREFIX,
        mode,
        warmUp ? "warm-up" : "iteration",
        iteration,
        lines / seconds,
        fileBytes / 1048576.0 / seconds,
        cpu / (fileBytes / 1073741824.0),
        peakHeapMiB());
  }

  @TearDown(Level.Trial)
  public void deleteFile() throws IOException {
    if (!measured.isEmpty()) {
      double seconds = measured.stream().mapToDouble(m -> m[0]).sum();
      double cpu = measured.stream().mapToDouble(m -> m[1]).sum();
      double gib = measured.size() * fileBytes / 1073741824.0;
      System.out.printf(
          Locale.ROOT,
          "%smode=%s summary (measured iterations): %,.0f lines/s, %.1f MiB/s, %.2f CPU s per GiB,"
              + " peak heap %,d MiB (engine included)%n",
          PREFIX,
          mode,
          measured.size() * lines / seconds,
          gib * 1024 / seconds,
          cpu / gib,
          peakHeapMiB());
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  long lines() {
    return lines;
  }

  /** The user records in the stream now (aggregates unpacked): for the smoke test. */
  long storedRecords() {
    long count = 0;
    for (io.kinesislite.transport.Shard shard : kinesis.listShards("agent-bench").join()) {
      String iterator =
          kinesis
              .getShardIterator(
                  "agent-bench",
                  shard.shardId(),
                  io.kinesislite.transport.StartingPosition.trimHorizon())
              .join();
      while (iterator != null) {
        io.kinesislite.transport.GetRecordsResult page =
            kinesis.getRecords(iterator, 10_000).join();
        for (io.kinesislite.transport.StreamRecord r : page.records()) {
          byte[] data = r.dataBytes();
          count +=
              io.kinesislite.transport.AggregateDecoder.isAggregated(data)
                  ? io.kinesislite.transport.AggregateDecoder.decode(data).size()
                  : 1;
        }
        iterator = page.records().isEmpty() ? null : page.nextShardIterator().orElse(null);
      }
    }
    return count;
  }

  private static long peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
