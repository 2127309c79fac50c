package io.kinesislite.examples;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.ConfigFiles;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.InitialPosition;
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
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Tries the nginx access-log configuration of the log agent ({@code agent/nginx-access.yaml} in
 * this module's resources, or its Kinesis Agent twin {@code nginx-agent.json}) on this machine: it
 * writes a few lines in nginx's default "combined" format to {@code access.log} in a temporary
 * directory, starts {@link LogAgent} with the configuration pointed at that directory (stream
 * created on the embedded engine, files read from their start, state in the temporary directory, no
 * metrics port), reads the stream back and prints the JSON records. The last sample line is not
 * nginx's: the configuration drops it (as the Kinesis Agent would). Exit code 0 when every nginx
 * line arrived as a JSON record.
 *
 * <p>On a server, run the agent with the file itself: {@code kinesis-lite-agent run --config
 * nginx-access.yaml} (see {@code log-agent}).
 *
 * <p>Run it (build once: {@code mvn -B -ntp -q -pl examples -am package -DskipTests}):
 *
 * <pre>
 * examples/run NginxAgentExample                                   # embedded engine, in memory
 * examples/run NginxAgentExample --config examples/src/main/resources/agent/nginx-agent.json
 * examples/run NginxAgentExample --aws us-east-1     # the stream nginx-access must exist there
 * </pre>
 */
@Command(
    name = "NginxAgentExample",
    mixinStandardHelpOptions = true,
    description = "Runs the log agent's nginx configuration against sample access-log lines.")
public final class NginxAgentExample implements Callable<Integer> {
  /** Lines as nginx's default {@code combined} format writes them; the last is not nginx's. */
  public static final List<String> SAMPLE_LINES =
      List.of(
          "203.0.113.10 - - [03/Dec/2026:10:15:32 +0000] \"GET /index.html HTTP/1.1\" 200 612 \"-\""
              + " \"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\"",
          "198.51.100.7 - alice [03/Dec/2026:10:15:33 +0000] \"POST /api/orders?id=17 HTTP/2.0\""
              + " 201 45 \"https://shop.example.com/cart\" \"curl/8.5.0\"",
          "192.0.2.44 - - [03/Dec/2026:10:15:34 +0000] \"GET /missing HTTP/1.1\" 404 153 \"-\""
              + " \"Googlebot/2.1 (+http://www.google.com/bot.html)\"",
          "2001:db8::1 - - [03/Dec/2026:10:15:35 +0000] \"HEAD / HTTP/1.1\" 304 0 \"-\" \"-\"",
          "203.0.113.99 - - [03/Dec/2026:10:15:36 +0000] \"\\x16\\x03\\x01\\x02\\x00\\x01\" 400 157"
              + " \"-\" \"-\"",
          "this line is not nginx's and is dropped");

  @Mixin Target target;
  @Spec CommandSpec spec;

  @Option(names = "--config", description = "Default: the bundled agent/nginx-access.yaml.")
  Path config;

  public static void main(String[] args) {
    System.exit(new CommandLine(new NginxAgentExample()).execute(args));
  }

  /**
   * The configuration, run here instead of on a server: every flow tails {@code logs/access.log*}
   * from the start of the file on {@code transport} (creating its stream on the embedded engine);
   * the state lives in {@code state}; no metrics port.
   */
  public static AgentConfig forLocalRun(
      AgentConfig config, Path logs, Path state, String transport, boolean createStream) {
    List<FlowConfig> flows = new ArrayList<>();
    for (FlowConfig flow : config.flows()) {
      flows.add(
          flow.toBuilder()
              .files(List.of(logs.toAbsolutePath() + "/access.log*"))
              .transport(transport)
              .createStreamShards(createStream ? 2 : 0)
              .initialPosition(InitialPosition.START_OF_FILE)
              .build());
    }
    return config.toBuilder().flows(flows).stateDirectory(state).metricsAddress(null).build();
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Path work = Files.createTempDirectory("nginx-agent-example");
    try {
      return run(out, work);
    } finally {
      try (Stream<Path> files = Files.walk(work)) { // the sample log, the agent's state
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private int run(PrintWriter out, Path work) throws IOException, InterruptedException {
    Path logs = Files.createDirectories(work.resolve("logs"));
    Files.write(logs.resolve("access.log"), SAMPLE_LINES, StandardCharsets.UTF_8);
    LoadedConfig loaded = ConfigFiles.read(config != null ? config : bundled(work));
    loaded.notices().forEach(n -> out.println("config: " + n.key() + " " + n.message()));
    AgentConfig agentConfig =
        forLocalRun(
            loaded.config(), logs, work.resolve("state"), target.selection(), target.embedded());
    String stream = agentConfig.flows().get(0).stream();
    int expected = SAMPLE_LINES.size() - 1;
    Instant started = Instant.now().minusSeconds(1);
    List<String> json;
    try (KinesisTransport kinesis = target.open();
        LogAgent agent = LogAgent.start(agentConfig)) {
      out.printf("agent tailing %s/access.log into %s%n", logs, stream);
      json = readBack(kinesis, stream, started, expected, Duration.ofSeconds(30));
      agent.healthProblem().ifPresent(problem -> out.println("agent unhealthy: " + problem));
    }
    json.forEach(out::print); // each record ends with a newline, as the agent's logToJson writes
    out.printf("%d of %d nginx lines arrived in %s as JSON%n", json.size(), expected, stream);
    return json.size() == expected ? 0 : 1;
  }

  private static Path bundled(Path work) throws IOException {
    Path file = work.resolve("nginx-access.yaml");
    try (InputStream in = NginxAgentExample.class.getResourceAsStream("/agent/nginx-access.yaml")) {
      Files.copy(in, file);
    }
    return file;
  }

  /**
   * Reads every shard from {@code since} until {@code expected} user records arrived (aggregates
   * taken apart) or {@code timeout} passed.
   */
  static List<String> readBack(
      KinesisTransport kinesis, String stream, Instant since, int expected, Duration timeout)
      throws InterruptedException {
    List<String> records = new ArrayList<>();
    List<String> iterators = new ArrayList<>();
    for (Shard shard : kinesis.listShards(stream).join()) {
      StartingPosition from = StartingPosition.atTimestamp(since);
      iterators.add(kinesis.getShardIterator(stream, shard.shardId(), from).join());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (records.size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(250); // Kinesis allows 5 reads per second per shard
      for (int i = 0; i < iterators.size(); i++) {
        GetRecordsResult page = kinesis.getRecords(iterators.get(i), 10_000).join();
        for (StreamRecord r : page.records()) {
          byte[] data = r.dataBytes();
          if (AggregateDecoder.isAggregated(data)) {
            for (UserRecord u : AggregateDecoder.decode(data)) {
              records.add(new String(u.dataBytes(), StandardCharsets.UTF_8));
            }
          } else {
            records.add(new String(data, StandardCharsets.UTF_8));
          }
        }
        iterators.set(i, page.nextShardIterator().orElse(null));
      }
      iterators.removeIf(it -> it == null);
    }
    return records;
  }
}
