package io.kinesislite.examples;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.ConfigFiles;
import io.kinesislite.agent.ConfigNotice;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.LoadedConfig;
import io.kinesislite.agent.LogAgent;
import io.kinesislite.transport.AggregateDecoder;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.UserRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Moving from the Kinesis Agent to {@code kinesis-lite-agent}: an existing {@code agent.json} loads
 * unchanged through {@link ConfigFiles#read}, which says what became of every key it does not take
 * as written; this program then points the file's paths at a scratch directory and its streams at
 * {@code --transport} (the embedded engine by default), writes a few log lines, runs the agent and
 * reads back what reached each stream. See {@code docs/migrating-from-kinesis-agent.md}.
 *
 * <pre>
 * examples/run AgentMigrationExample                       # the bundled agent.json, embedded
 * examples/run AgentMigrationExample --config /etc/aws-kinesis/agent.json --dir /tmp/try-agent
 * </pre>
 *
 * <p>In production the same file runs as it is: {@code kinesis-lite-agent run --config
 * /etc/aws-kinesis/agent.json}.
 */
@Command(
    name = "AgentMigrationExample",
    mixinStandardHelpOptions = true,
    description = "Loads a Kinesis Agent agent.json unchanged and ships sample lines with it.")
public final class AgentMigrationExample implements Callable<Integer> {
  /** The sample agent.json shipped with the examples. */
  static final String SAMPLE = "migration/agent/agent.json";

  /** Sample lines, by the file-name pattern of the bundled sample's flows. */
  private static final Map<String, List<String>> SAMPLE_LINES =
      Map.of(
          "access_log*",
          List.of(
              "203.0.113.7 - - [03/Dec/2026:10:15:32 +0000] \"GET /index.html HTTP/1.1\" 200 2326"
                  + " \"-\" \"curl/8.5.0\"",
              "198.51.100.4 - alice [03/Dec/2026:10:15:33 +0000] \"POST /api/orders HTTP/1.1\" 201"
                  + " 87 \"https://shop.example/\" \"Mozilla/5.0\"",
              "not an access log line: LOGTOJSON drops it, as the Kinesis Agent does",
              "203.0.113.7 - - [03/Dec/2026:10:15:34 +0000] \"GET /missing HTTP/1.1\" 404 -"
                  + " \"-\" \"curl/8.5.0\""),
          "app.log*",
          List.of(
              "2026-12-03 10:15:32 INFO order 17 accepted",
              "2026-12-03 10:15:33 ERROR order 18 failed",
              "java.lang.IllegalStateException: no stock",
              "    at shop.Orders.place(Orders.java:42)"));

  @Mixin Target target = new Target();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A Kinesis Agent agent.json. Default: the bundled sample, " + SAMPLE + ".")
  Path config;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "The scratch directory for the log files and the agent's state. Default: a new"
              + " temporary directory.")
  Path dir;

  @Option(
      names = "--wait-seconds",
      description =
          "How long to wait for the lines to reach the streams. Default: ${DEFAULT-VALUE}.",
      defaultValue = "60")
  int waitSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMigrationExample()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    run(System.out);
    return 0;
  }

  /** What a run did: the file as loaded, the configuration run, and the records per stream. */
  record Result(LoadedConfig loaded, AgentConfig ran, Map<String, List<String>> received) {}

  Result run(PrintStream out) throws IOException, InterruptedException {
    Path file = config != null ? config : BundledFiles.asFile(SAMPLE);
    Path scratch = dir != null ? dir : Files.createTempDirectory("kinesis-lite-agent-migration-");

    // 1. The Kinesis Agent's file, unchanged (what `kinesis-lite-agent check-config` reads).
    LoadedConfig loaded = ConfigFiles.read(file);
    out.println("loaded " + file + ": " + loaded.config().flows().size() + " flows");
    for (FlowConfig flow : loaded.config().flows()) {
      out.println("  " + flow.stream() + " <- " + flow.files() + " via " + flow.transport());
    }
    out.println("what became of the keys not taken as written:");
    for (ConfigNotice notice : loaded.notices()) {
      out.println("  " + notice.kind() + " " + notice.key() + ": " + notice.message());
    }

    // 2. The same configuration with its paths in the scratch directory and its streams where
    // --transport says (created if missing); everything else as the file says.
    Path logs = Files.createDirectories(scratch.resolve("logs"));
    List<FlowConfig> flows = new ArrayList<>();
    Map<String, Path> logFiles = new LinkedHashMap<>();
    for (FlowConfig flow : loaded.config().flows()) {
      List<String> files = new ArrayList<>();
      for (String pattern : flow.files()) {
        String name = Path.of(pattern).getFileName().toString();
        files.add(logs.resolve(name).toString());
        logFiles.put(name, logs.resolve(name.replace("*", "")));
      }
      flows.add(
          flow.toBuilder()
              .files(files)
              .transport(target.selection())
              .createStreamShards(1)
              .build());
    }
    AgentConfig ran =
        loaded.config().toBuilder()
            .flows(flows)
            .stateDirectory(scratch.resolve("state"))
            .metricsAddress(new InetSocketAddress("127.0.0.1", 0))
            .build();

    // 3. Log lines, written before the agent starts (the sample's flows read from START_OF_FILE).
    int expected = 0;
    for (Map.Entry<String, Path> f : logFiles.entrySet()) {
      List<String> lines = SAMPLE_LINES.getOrDefault(f.getKey(), List.of("a line for " + f));
      Files.write(f.getValue(), lines, StandardCharsets.UTF_8);
      expected += lines.size();
      out.println("wrote " + lines.size() + " lines to " + f.getValue());
    }

    // 4. Run the agent, and read what reached each stream.
    Map<String, List<String>> received = new LinkedHashMap<>();
    try (LogAgent agent = LogAgent.start(ran);
        KinesisTransport kinesis = target.open()) {
      out.println(
          "agent running; metrics at http://"
              + agent.metricsAddress().map(a -> a.getHostString() + ":" + a.getPort()).orElse("-")
              + "/metrics");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
      Map<String, Integer> lastCounts = Map.of();
      while (true) {
        received = readStreams(kinesis, flows);
        Map<String, Integer> counts = new LinkedHashMap<>();
        received.forEach((s, r) -> counts.put(s, r.size()));
        if (!counts.equals(lastCounts)) {
          out.println("records in the streams: " + counts);
          lastCounts = counts;
        }
        // Complete when each stream holds what its flow makes of its lines (here: the dropped
        // access-log line and the multi-line record make fewer records than lines).
        if (complete(received, flows) || System.nanoTime() > deadline) {
          break;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
    }
    received.forEach(
        (stream, records) -> {
          out.println(stream + ":");
          records.forEach(r -> out.println("  " + r.strip()));
        });
    out.println("(" + expected + " lines written)");
    return new Result(loaded, ran, received);
  }

  /** Whether every flow's stream holds the records its flow makes of the lines written. */
  private static boolean complete(Map<String, List<String>> received, List<FlowConfig> flows) {
    for (FlowConfig flow : flows) {
      int want = wanted(flow);
      if (received.getOrDefault(flow.stream(), List.of()).size() < want) {
        return false;
      }
    }
    return true;
  }

  /** Records the bundled sample's flows make of the sample lines; 1 for other flows. */
  private static int wanted(FlowConfig flow) {
    String files = String.join(",", flow.files());
    if (files.endsWith("access_log*")) {
      return 3; // four lines, one LOGTOJSON cannot parse
    }
    if (files.endsWith("app.log*")) {
      return 2; // four lines, two records: multiLineStartPattern joins the stack trace
    }
    return 1;
  }

  /** Every user record of every shard of each flow's stream, from the start, as text. */
  private static Map<String, List<String>> readStreams(
      KinesisTransport kinesis, List<FlowConfig> flows) {
    Map<String, List<String>> byStream = new LinkedHashMap<>();
    for (FlowConfig flow : flows) {
      List<String> records = new ArrayList<>();
      byStream.put(flow.stream(), records);
      List<Shard> shards;
      try {
        shards = kinesis.listShards(flow.stream()).join();
      } catch (RuntimeException e) {
        continue; // not created yet
      }
      for (Shard shard : shards) {
        String iterator =
            kinesis
                .getShardIterator(flow.stream(), shard.shardId(), StartingPosition.trimHorizon())
                .join();
        while (iterator != null) {
          GetRecordsResult page = kinesis.getRecords(iterator, 10_000).join();
          for (StreamRecord r : page.records()) {
            if (AggregateDecoder.isAggregated(r.data())) {
              for (UserRecord u : AggregateDecoder.decode(r.data())) {
                records.add(StandardCharsets.UTF_8.decode(u.data()).toString());
              }
            } else {
              records.add(StandardCharsets.UTF_8.decode(r.data()).toString());
            }
          }
          iterator =
              page.records().isEmpty() || page.millisBehindLatest() == 0
                  ? null
                  : page.nextShardIterator().orElse(null);
        }
      }
    }
    return byStream;
  }
}
