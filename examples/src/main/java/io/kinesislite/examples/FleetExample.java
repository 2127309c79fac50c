package io.kinesislite.examples;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.Worker;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.ResourceNotFoundException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A consumer fleet of several processes: kcl-lite balancing a stream's shards across worker JVMs
 * that share one lease table, and moving a killed worker's shards to the others.
 *
 * <p>The parent starts {@code --workers} child JVMs ({@link FleetMember}, on the same Java and
 * class path), each running one {@link Worker}; it prints how many shards each holds as they
 * converge, writes records, kills one child with SIGKILL, writes more, shows its shards being taken
 * by the others after the failover time, checks that every record was processed at least once
 * (repeats are the killed child's unchecked records), and stops the rest with SIGTERM, whose
 * shutdown hook shuts each worker down gracefully (checkpoint, release the leases).
 *
 * <p>On the embedded default the parent hosts the stream: a {@link ShardEngine} served over HTTP
 * ({@link KinesisServer}, on a free port of 127.0.0.1) for the children, and the lease table is one
 * file that the children open with {@link EmbeddedLeaseStore#sharedInDirectory} (every call locks
 * the file, so workers in different processes take turns). With {@code --aws REGION} or {@code
 * --dynamodb-endpoint URI} the children share a DynamoDB lease table instead, the way a fleet on
 * several hosts does.
 *
 * <pre>
 * examples/run FleetExample                       # 3 workers, 6 shards, embedded
 * examples/run FleetExample --workers 4 --shards 8
 * examples/run FleetExample --aws eu-west-1       # real Kinesis and DynamoDB (costs money)
 * </pre>
 */
@Command(
    name = "FleetExample",
    mixinStandardHelpOptions = true,
    description = "Runs a kcl-lite consumer fleet of several processes, kills one, stops the rest.")
public final class FleetExample implements Callable<Integer> {
  /** JVM options of the children: small heaps, quick start. */
  private static final List<String> CHILD_JVM_OPTIONS =
      List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  @Mixin Target target = new Target();

  @Option(
      names = "--workers",
      description = "Worker processes to start. Default: ${DEFAULT-VALUE}.",
      defaultValue = "3")
  int workers;

  @Option(
      names = "--shards",
      description = "Shards of the stream, when this creates it. Default: ${DEFAULT-VALUE}.",
      defaultValue = "6")
  int shards;

  @Option(
      names = "--records",
      description =
          "Records to write, half before the kill and half after. Default: ${DEFAULT-VALUE}.",
      defaultValue = "600")
  int records;

  @Option(
      names = "--stream",
      description = "The stream (created if missing). Default: ${DEFAULT-VALUE}.",
      defaultValue = "fleet-example")
  String stream;

  @Option(
      names = "--application",
      description = "The application, which names the lease table. Default: ${DEFAULT-VALUE}.",
      defaultValue = "fleet-example")
  String application;

  @Option(
      names = "--failover-seconds",
      description =
          "How long a dead worker's leases wait before others take them. Default: ${DEFAULT-VALUE}.",
      defaultValue = "3")
  int failoverSeconds;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where the shared lease table file and the children's logs go. Default: embedded:DIR's"
              + " directory, else a new temporary directory.")
  Path dir;

  @Option(
      names = "--wait-seconds",
      description = "The longest each step waits. Default: ${DEFAULT-VALUE}.",
      defaultValue = "120")
  int waitSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FleetExample()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Report report = run(System.out);
    return report.allProcessed() ? 0 : 1;
  }

  /** What a run saw, for tests and for the exit code. */
  record Report(
      Map<String, Integer> balanced,
      String killed,
      Map<String, Integer> afterKill,
      int produced,
      int processedDistinct,
      int processedTotal,
      Map<String, Boolean> stoppedGracefully) {
    boolean allProcessed() {
      return processedDistinct == produced;
    }
  }

  /** Runs the whole demonstration, printing to {@code out}. */
  Report run(PrintStream out) throws Exception {
    if (workers < 2) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--workers must be at least 2, to have a fleet to fail over to");
    }
    Path workDir = dir != null ? dir : embeddedDirectory();
    if (workDir == null) {
      workDir = Files.createTempDirectory("kinesis-lite-fleet-");
    }
    Files.createDirectories(workDir);
    ShardEngine engine = null;
    KinesisServer server = null;
    FleetChildren fleet = new FleetChildren(out);
    try {
      KinesisTransport kinesis;
      List<String> childTarget = new ArrayList<>();
      if (target.embedded()) {
        Path engineDir = embeddedDirectory();
        engine =
            ShardEngine.open(
                engineDir == null
                    ? EngineConfig.inMemory()
                    : EngineConfig.builder().directory(engineDir).build());
        server = KinesisServer.serve(engine, ServerConfig.builder().port(0).build());
        kinesis = EmbeddedTransport.over(engine);
        childTarget.addAll(List.of("--transport", server.endpoint().toString()));
        out.println("stream served to the workers at " + server.endpoint());
      } else {
        kinesis = target.open();
        if (target.awsRegion != null) {
          childTarget.addAll(List.of("--aws", target.awsRegion));
        } else {
          childTarget.addAll(List.of("--transport", target.transport));
        }
      }
      if (target.dynamoDbEndpoint != null) {
        childTarget.addAll(List.of("--dynamodb-endpoint", target.dynamoDbEndpoint.toString()));
      }
      String leases =
          target.awsRegion != null || target.dynamoDbEndpoint != null
              ? "DynamoDB table " + application
              : "shared file " + workDir.resolve("leases").resolve(application + ".json");
      out.println("lease table: " + leases + "; worker logs in " + workDir);
      try (kinesis;
          KinesisProducer producer = KinesisProducer.create(ProducerConfig.defaults(), kinesis)) {
        ensureStream(kinesis, out);
        int shardCount = kinesis.listShards(stream).join().size();
        return demonstrate(fleet, kinesis, producer, shardCount, childTarget, workDir, out);
      }
    } finally {
      fleet.killAll();
      if (server != null) {
        server.close();
      }
      if (engine != null) {
        engine.close();
      }
    }
  }

  private Report demonstrate(
      FleetChildren fleet,
      KinesisTransport kinesis,
      KinesisProducer producer,
      int shardCount,
      List<String> childTarget,
      Path workDir,
      PrintStream out)
      throws Exception {
    Duration wait = Duration.ofSeconds(waitSeconds);
    for (int i = 1; i <= workers; i++) {
      fleet.start("member-" + i, childCommand("member-" + i, childTarget, workDir), workDir);
    }
    out.println("started " + workers + " worker processes on " + shardCount + " shards");

    fleet.await("the workers balance the shards", wait, f -> f.balanced(shardCount));
    Map<String, Integer> balanced = fleet.heldCounts();
    out.println("balanced: " + balanced);

    int half = records / 2;
    produce(producer, 0, half);
    fleet.await(half + " records processed", wait, f -> f.processedDistinct() >= half);
    out.println(half + " records processed");

    String victim = fleet.names().get(0);
    out.println("killing " + victim + " (SIGKILL), holding " + fleet.heldCounts().get(victim));
    fleet.kill(victim, wait);
    produce(producer, half, records);
    fleet.await(
        "the other workers take " + victim + "'s shards",
        wait.plusSeconds(failoverSeconds),
        f -> f.balanced(shardCount));
    Map<String, Integer> afterKill = fleet.heldCounts();
    out.println("after the kill: " + afterKill);
    fleet.await(
        "every record processed", wait, f -> f.processedDistinct() >= records || f.allDead());
    int repeats = fleet.processedTotal() - fleet.processedDistinct();
    out.println(
        "processed "
            + fleet.processedDistinct()
            + " of "
            + records
            + " records"
            + (repeats == 0
                ? ""
                : " ("
                    + repeats
                    + " twice: "
                    + victim
                    + " processed them but did not checkpoint)"));
    out.println("stopping the others (SIGTERM: each worker shuts down gracefully)");
    Map<String, Boolean> stopped = fleet.stopAll(wait);
    out.println("stopped: " + stopped);
    return new Report(
        balanced,
        victim,
        afterKill,
        records,
        fleet.processedDistinct(),
        fleet.processedTotal(),
        stopped);
  }

  private Path embeddedDirectory() {
    String selection = target.selection();
    return selection.startsWith("embedded:") && selection.length() > "embedded:".length()
        ? Path.of(selection.substring("embedded:".length()))
        : null;
  }

  private void ensureStream(KinesisTransport kinesis, PrintStream out) {
    try {
      kinesis.describeStream(stream).join();
      out.println("using the stream " + stream);
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (!(cause instanceof ResourceNotFoundException)) {
        throw e;
      }
      kinesis.createStream(stream, shards).join();
      out.println("created the stream " + stream + " with " + shards + " shards");
    }
    kinesis.awaitStreamActive(stream, Duration.ofMinutes(2)).join();
  }

  private void produce(KinesisProducer producer, int from, int to) {
    List<CompletableFuture<RecordResult>> sent = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sent.add(
          producer.add(
              stream,
              "key-" + i,
              ByteBuffer.wrap(("record-" + i).getBytes(StandardCharsets.UTF_8))));
    }
    producer.flush();
    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
  }

  private List<String> childCommand(String name, List<String> childTarget, Path workDir) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(CHILD_JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(FleetMember.class.getName());
    command.addAll(childTarget);
    command.addAll(
        List.of(
            "--worker-id", name,
            "--application", application,
            "--stream", stream,
            "--lease-dir", workDir.toString(),
            "--failover-seconds", Integer.toString(failoverSeconds)));
    return command;
  }
}
