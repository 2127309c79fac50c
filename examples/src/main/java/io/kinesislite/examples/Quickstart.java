package io.kinesislite.examples;

import io.kinesislite.examples.quickstart.Pipeline;
import io.kinesislite.examples.quickstart.PipelineSettings;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The whole toolkit in one run: a generator writes a rotating log file; log-agent tails it and
 * ships it through kpl-lite (aggregated) to a 4-shard stream; two kcl-lite workers consume it with
 * checkpoints. Midway the stream is split to 5 shards, and one worker is stopped and started again.
 * A progress line shows lines written, records sent, records consumed and the lag; the summary
 * table at the end says whether every line arrived. Exits 0 only if none was lost.
 *
 * <p>From the repository's root, on the bundled durable engine (nothing to install):
 *
 * <pre>{@code
 * ./quickstart                                  # 60 s at 2,000 lines/s
 * ./quickstart --duration 5m --rate 5000
 * ./quickstart --serve                          # through serve, the engine on a port
 * ./quickstart --transport http://127.0.0.1:4567   # a running kinesis-lite serve
 * ./quickstart --aws us-east-1                  # real Kinesis and a real DynamoDB table
 * }</pre>
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the whole pipeline: log file -> log-agent -> kpl-lite -> stream -> 2 kcl-lite"
          + " workers, with a split and a worker restart midway, and checks nothing was lost."
    })
public final class Quickstart implements Callable<Integer> {
  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "How long the generator writes (5s to 24h). Default: ${DEFAULT-VALUE}.")
  Duration duration = Duration.ofSeconds(60);

  @Option(
      names = "--rate",
      description = "Lines written per second (1 to 100000). Default: ${DEFAULT-VALUE}.")
  int rate = 2000;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the log files, the agent's state, the engine's data and the lease table go."
              + " Default: a new temporary directory, deleted after a run that lost nothing.")
  Path dataDir;

  @Option(
      names = "--serve",
      description =
          "Start serve (the engine as a Kinesis-compatible endpoint on a free port) and send"
              + " every call through it over HTTP, as an AWS SDK client would.")
  boolean serve;

  @Option(
      names = "--transport",
      paramLabel = "SELECTION",
      description =
          "Use this stream endpoint instead of the bundled engine, e.g. http://127.0.0.1:4567"
              + " for a running kinesis-lite serve, or embedded: (in memory).")
  String transport;

  @Option(
      names = "--aws",
      paramLabel = "REGION",
      description =
          "Use real Kinesis and a real DynamoDB lease table in REGION, with the AWS SDK's default"
              + " credentials. Creates a stream and a table named quickstart-<time>; the stream"
              + " is deleted at the end unless --keep (the table is not: it says how).")
  String awsRegion;

  @Option(
      names = "--dynamodb-endpoint",
      paramLabel = "URI",
      description = "Keep the lease table in this DynamoDB, e.g. DynamoDB Local.")
  URI dynamoDbEndpoint;

  @Option(
      names = "--drain-timeout",
      converter = DurationConverter.class,
      description =
          "After the generator stops, how long to wait for every line to be consumed."
              + " Default: ${DEFAULT-VALUE}.")
  Duration drainTimeout = Duration.ofSeconds(60);

  @Option(
      names = "--keep",
      description = "Keep the data directory (and, with --aws, the stream) after the run.")
  boolean keep;

  @Spec CommandSpec spec;

  private final PrintStream out;

  /** For {@code main}: prints to standard output. */
  public Quickstart() {
    this(System.out);
  }

  /** Prints the progress lines and the summary to {@code out}. */
  public Quickstart(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    // The pipeline's own output is the progress and the summary; components speak up on WARN.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(new CommandLine(new Quickstart()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PipelineSettings settings;
    try {
      settings =
          PipelineSettings.builder()
              .duration(duration)
              .linesPerSecond(rate)
              .dataDirectory(dataDir)
              .serve(serve)
              .transport(transport)
              .awsRegion(awsRegion)
              .dynamoDbEndpoint(dynamoDbEndpoint)
              .drainTimeout(drainTimeout)
              .keep(keep)
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return Pipeline.run(settings, out).lost() == 0 ? 0 : 1;
  }
}
