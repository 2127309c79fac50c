package io.kinesislite.benchmarks.compare;

import io.kinesislite.benchmarks.AgentBenchmark;
import io.kinesislite.benchmarks.ServeMain;
import io.kinesislite.testkit.internal.Ports;
import io.kinesislite.transport.AwsSdkTransport;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The log agent ({@code kinesis-lite-agent run}, in a JVM of its own) shipping one file of 150-byte
 * Apache combined lines from its start into {@code serve} (in memory, limits off, in a JVM of its
 * own), against the read floor: {@code wc -l} on the same file from the page cache. The floor is
 * not a competitor: it shows how far the agent's per-record work is from merely reading the bytes.
 * The Amazon Kinesis Agent, the natural peer, is not runnable here (see {@link #settings(Mode)}).
 *
 * <p>An agent run lasts from starting its JVM until its {@code /metrics} counter {@code
 * kinesislite_agent_records_sent_total} (records the stream acknowledged) reaches the file's line
 * count; then it is stopped with SIGTERM. CPU and peak RSS are the agent JVM's alone, from {@link
 * ProcessMeter}; serve's are not counted. Not thread-safe.
 */
public final class AgentComparison implements Comparison {
  static final String PEER = "wc -l (read floor)";
  static final String NO_PEER = "–";
  private static final double GIB = 1024.0 * 1024 * 1024;
  private static final double MIB = 1024.0 * 1024;
  private static final String AGENT_MAIN = "io.kinesislite.agent.AgentCommand";
  private static final List<String> AGENT_JVM = List.of("-Xmx256m");
  private static final List<String> SERVE_JVM = List.of("-Xmx4g");
  private static final String MAX_BUFFERED = "64MiB";
  private static final int SHARDS = 4;
  private static final long WC_MIN_BYTES = 128L << 20; // what wc reads at least per run
  private static final String SENT = "kinesislite_agent_records_sent_total";
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(20);

  @Override
  public String name() {
    return "agent";
  }

  static long fileBytes(Mode mode) {
    return switch (mode) {
      case SMOKE -> 2L << 20;
      case SHORT -> 256L << 20;
      case FULL -> 1L << 30;
    };
  }

  /** How often wc reads the file in one measurement: enough bytes for its CPU time to register. */
  static int wcRepetitions(long fileBytes) {
    return (int) Math.max(1, (WC_MIN_BYTES + fileBytes - 1) / fileBytes);
  }

  @Override
  public String settings(Mode mode) {
    long bytes = fileBytes(mode);
    long lines = bytes / AgentBenchmark.LINE_BYTES;
    int reps = wcRepetitions(lines * AgentBenchmark.LINE_BYTES);
    return String.format(
        Locale.ROOT,
        """
        The log agent ships one file of %,d lines of %d bytes (newline included: Apache combined \
        log lines with random addresses, paths, statuses and sizes, the user agent padded), %s in \
        all, from its start, then is stopped. One warm-up run of each side (discarded; none for the \
        agent in smoke mode), then %d alternating measured run(s) of each side; medians.

        - **kinesis-lite:** `kinesis-lite-agent run --config agent.yaml` (`AgentCommand`) in a JVM \
        of its own with `%s` (the shipped script's default), timed from the JVM's start until the \
        agent's `/metrics` counter `%s` (records acknowledged by the stream, polled every 50 ms) \
        reaches the line count. CPU and peak RSS are that JVM's, from `/proc`. Its configuration: \
        one flow, `initialPosition: start_of_file`, `partitionKey: random`, aggregation on (the \
        default), `maxBufferedBytes: %s` (the default), `createStream: %d` (a fresh stream per \
        run), `transport: http://127.0.0.1:PORT` (serve; the AWS SDK, CBOR), producer \
        `RateLimit` raised to its maximum (the KPL's own per-shard limit taken out of the way, as \
        serve has none), everything else default.
        - **serve:** `ServeMain` in a JVM of its own (`%s`), in memory, Kinesis throughput limits \
        off, one process for all runs; each run's stream is deleted after it. Its CPU and memory \
        are not counted.
        - **Peer: `wc -l` (the read floor, not a competitor).** GNU `wc -l` on the same file, \
        from the page cache (the warm-up run reads it once first), %d time(s) in a row per \
        measurement (so that its CPU time registers), timed with bash's `time` (wall, user and \
        system time of the loop). It only reads and counts newlines: the agent frames records, \
        keys, aggregates, sends and tracks acknowledgements. It has no memory figure worth \
        comparing, so the memory row has no peer.
        - **Why not the Amazon Kinesis Agent:** it is not published to Maven Central (nor to \
        npm): it is built from its GitHub sources with ant (Java 8, AWS SDK for Java v1) and \
        installed by its setup script or as the `aws-kinesis-agent` RPM on Amazon Linux, neither \
        of which the offline build can fetch. Pointing it at serve (its `kinesis.endpoint` key) \
        is left for a machine set up for it.
        """,
        lines,
        AgentBenchmark.LINE_BYTES,
        size(lines * AgentBenchmark.LINE_BYTES),
        mode.runs(),
        String.join(" ", AGENT_JVM),
        SENT,
        MAX_BUFFERED,
        SHARDS,
        String.join(" ", SERVE_JVM),
        reps);
  }

  @Override
  public List<Row> run(Mode mode, Workspace workspace) throws Exception {
    Path dir = workspace.newDirectory("agent-");
    Path file = Files.createDirectories(dir.resolve("logs")).resolve("access.log");
    long lines = AgentBenchmark.writeAccessLog(file, fileBytes(mode));
    long bytes = lines * AgentBenchmark.LINE_BYTES;
    int reps = wcRepetitions(bytes);
    int servePort = Ports.free();
    Process serve =
        workspace.startJava(
            "agent-serve",
            SERVE_JVM,
            ServeMain.class.getName(),
            List.of("--port", Integer.toString(servePort)),
            false);
    String endpoint = "http://127.0.0.1:" + servePort;
    try (KinesisTransport kinesis =
        AwsSdkTransport.create(TransportConfig.builder().selection(endpoint).build())) {
      awaitServe(kinesis, serve, workspace);
      // lines/s, CPU s per GiB, peak RSS MiB, seconds from the JVM's start to /metrics answering
      List<double[]> agentRuns = new ArrayList<>();
      List<double[]> wcRuns = new ArrayList<>(); // lines/s, CPU s per GiB
      // The first run is the warm-up; smoke mode, which measures nothing, has none for the agent.
      int total = 1 + mode.runs();
      for (int run = 0; run < total; run++) {
        boolean warmUp = run == 0;
        if (warmUp && mode == Mode.SMOKE) {
          wcRun(file, lines, bytes, 1); // still read once, for the page cache
          continue;
        }
        // The warm-up reads the file with wc first, so both sides start from the page cache.
        boolean agentFirst = !warmUp && run % 2 == 1;
        for (int side = 0; side < 2; side++) {
          if ((side == 0) == agentFirst) {
            double[] a = agentRun(workspace, dir, file, lines, bytes, endpoint, kinesis, run);
            if (!warmUp) {
              agentRuns.add(a);
            }
          } else {
            double[] w = wcRun(file, lines, bytes, reps);
            if (!warmUp) {
              wcRuns.add(w);
            }
          }
        }
      }
      String floor =
          "wc -l is the read floor (reading and counting newlines), not a competitor; the Kinesis"
              + " Agent cannot run here";
      return List.of(
          new Row(
              name(),
              "lines shipped per second",
              "lines/s",
              median(agentRuns, 0),
              PEER,
              median(wcRuns, 0),
              Row.Better.HIGHER,
              String.format(
                  Locale.ROOT,
                  "%s; the agent's time includes its JVM's start (%.1f s until /metrics answered)",
                  floor,
                  median(agentRuns, 3))),
          new Row(
              name(),
              "CPU seconds per GiB of log",
              "CPU s per GiB",
              median(agentRuns, 1),
              PEER,
              median(wcRuns, 1),
              Row.Better.LOWER,
              floor),
          new Row(
              name(),
              "agent's peak resident memory",
              "MiB",
              median(agentRuns, 2),
              NO_PEER,
              Double.NaN,
              Row.Better.LOWER,
              "the agent's JVM (" + String.join(" ", AGENT_JVM) + "), serve not counted"));
    } finally {
      stop(serve);
    }
  }

  private static double median(List<double[]> runs, int index) {
    return Medians.of(runs.stream().map(r -> r[index]).toList());
  }

  /** One agent run on a fresh stream and state directory: lines/s, CPU s per GiB, peak RSS MiB. */
  private double[] agentRun(
      Workspace workspace,
      Path dir,
      Path file,
      long lines,
      long bytes,
      String endpoint,
      KinesisTransport kinesis,
      int run)
      throws IOException, InterruptedException {
    String stream = "agent-compare-" + run;
    int metricsPort = Ports.free();
    Path config = dir.resolve("agent-" + run + ".yaml");
    Files.writeString(
        config,
        String.format(
            Locale.ROOT,
            """
            stateDirectory: %s
            maxBufferedBytes: %s
            metrics:
              address: 127.0.0.1:%d
            producer:
              RateLimit: %d
            flows:
              - id: compare
                files: ["%s"]
                stream: %s
                transport: %s
                createStream: %d
                initialPosition: start_of_file
                partitionKey: random
            """,
            dir.resolve("state-" + run),
            MAX_BUFFERED,
            metricsPort,
            Long.MAX_VALUE,
            file,
            stream,
            endpoint,
            SHARDS),
        StandardCharsets.UTF_8);
    String name = "agent-run-" + run;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest scrape =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long start = System.nanoTime();
    Process agent =
        workspace.startJava(
            name, AGENT_JVM, AGENT_MAIN, List.of("run", "--config", config.toString()), false);
    ProcessMeter meter = ProcessMeter.of(agent);
    long end;
    long started = -1;
    try {
      long deadline = start + RUN_TIMEOUT.toNanos();
      while (true) {
        if (!agent.isAlive()) {
          throw new IllegalStateException(
              "the agent exited with code "
                  + agent.exitValue()
                  + " before it shipped every line; its log: "
                  + workspace.log(name));
        }
        double sent = sent(http, scrape);
        if (started < 0 && sent >= 0) {
          started = System.nanoTime();
        }
        if (sent >= lines) {
          end = System.nanoTime();
          break;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "the agent did not ship " + lines + " lines within " + RUN_TIMEOUT);
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    } finally {
      meter.stop();
      agent.destroy(); // SIGTERM: the agent drains, saves its state and exits
      if (!agent.waitFor(30, TimeUnit.SECONDS)) {
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    try {
      kinesis.deleteStream(stream).join();
    } catch (RuntimeException e) {
      // Only memory is lost: the next run uses a stream of its own.
    }
    double seconds = (end - start) / 1e9;
    return new double[] {
      lines / seconds,
      meter.cpuSeconds() / (bytes / GIB),
      meter.peakResidentBytes() / MIB,
      (started - start) / 1e9
    };
  }

  /** The counter of acknowledged records, summed over its series; -1 until the agent serves it. */
  private static double sent(HttpClient http, HttpRequest scrape) throws InterruptedException {
    try {
      HttpResponse<String> response = http.send(scrape, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return -1;
      }
      double sum = 0;
      for (String line : response.body().split("\n")) {
        if (line.startsWith(SENT + "{") || line.startsWith(SENT + " ")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (IOException e) {
      return -1; // not listening yet
    }
  }

  /** {@code wc -l} on the file, {@code reps} times in a row: lines/s and CPU s per GiB. */
  static double[] wcRun(Path file, long lines, long bytes, int reps)
      throws IOException, InterruptedException {
    String script =
        "TIMEFORMAT='%3R %3U %3S'; time { for ((i = 0; i < "
            + reps
            + "; i++)); do wc -l < \"$1\"; done; }";
    Process wc = new ProcessBuilder("bash", "-c", script, "bash", file.toString()).start();
    String out;
    String err;
    try (InputStream o = wc.getInputStream();
        InputStream e = wc.getErrorStream()) {
      out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
      err = new String(e.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!wc.waitFor(5, TimeUnit.MINUTES) || wc.exitValue() != 0) {
      throw new IllegalStateException("wc -l failed: " + out + err);
    }
    for (String count : out.strip().split("\\s+")) {
      if (Long.parseLong(count) != lines) {
        throw new IllegalStateException("wc -l counted " + count + " lines, not " + lines);
      }
    }
    String[] times = err.strip().split("\\s+");
    if (times.length != 3) {
      throw new IllegalStateException("unexpected output of bash's time: " + err);
    }
    double real = Double.parseDouble(times[0]);
    double cpu = Double.parseDouble(times[1]) + Double.parseDouble(times[2]);
    double gib = reps * bytes / GIB;
    return new double[] {reps * lines / real, cpu / gib};
  }

  private static void awaitServe(KinesisTransport kinesis, Process serve, Workspace workspace)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        kinesis.listStreams().get();
        return;
      } catch (ExecutionException e) {
        if (!serve.isAlive() || System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "serve did not answer ListStreams ("
                  + e.getCause()
                  + "); its log: "
                  + workspace.log("agent-serve"),
              e.getCause());
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  static void stop(Process process) throws InterruptedException {
    try {
      process.getOutputStream().close(); // ServeMain stops at end of file on its input
    } catch (IOException e) {
      // already gone
    }
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String size(long bytes) {
    return bytes >= (1L << 30)
        ? String.format(Locale.ROOT, "%.2f GiB", bytes / GIB)
        : String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
  }
}
