package io.kinesislite.examples.quickstart;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.InitialPosition;
import io.kinesislite.agent.LogAgent;
import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kcl.DynamoDbLeaseStore;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.LeaseStoreConfig;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.Transports;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the quickstart: sets up the endpoint, the stream, the log generator, the agent and the
 * fleet, drives the timeline (split, worker stop and restart), waits for the consumers to catch up,
 * prints the summary and tears everything down. Not thread-safe: one run per instance.
 */
public final class Pipeline {
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final Duration TICK = Duration.ofMillis(100);

  private final PipelineSettings settings;
  private final PrintStream out;
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private final Tally tally = new Tally();
  private final SimpleMeterRegistry agentMeters = new SimpleMeterRegistry();
  private final long startNanos = System.nanoTime();

  private Path directory;
  private boolean createdDirectory;
  private String stream;
  private String where;
  private KinesisTransport kinesis;
  private Fleet fleet;
  private LeaseStore leases;
  private LogGenerator generator;

  private Pipeline(PipelineSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Runs the pipeline to the end and returns what the summary showed. */
  public static Summary run(PipelineSettings settings, PrintStream out) throws Exception {
    Pipeline pipeline = new Pipeline(settings, out);
    Summary summary = null;
    try {
      summary = pipeline.execute();
      return summary;
    } finally {
      pipeline.tearDown(summary);
    }
  }

  private Summary execute() throws Exception {
    directory = prepareDirectory();
    stream = "quickstart-" + LocalDateTime.now().format(RUN_ID);
    kinesis = openEndpoint();
    leases = openLeases();
    out.printf("kinesis-lite quickstart: stream %s on %s%n", stream, where);
    out.printf("  data in %s%n", directory);
    kinesis.createStream(stream, settings.shards()).join();
    kinesis.awaitStreamActive(stream, Duration.ofMinutes(2)).join();

    Path logs = Files.createDirectories(directory.resolve("logs"));
    generator =
        new LogGenerator(
            logs.resolve("app.log"), settings.linesPerSecond(), settings.rotateEvery());
    LogAgent agent = startAgent(logs);
    fleet = new Fleet(stream, kinesis, leases, tally);
    toClose.push(fleet);
    fleet.start("worker-1");
    fleet.start("worker-2");
    generator.start();
    out.printf(
        "  writing %,d lines/s for %s to %s (rotated every %s); 2 workers consume%n%n",
        settings.linesPerSecond(),
        human(settings.duration()),
        logs.resolve("app.log"),
        human(settings.rotateEvery()));

    Timeline timeline = new Timeline(settings.duration());
    Duration progressEvery = Duration.ofSeconds(settings.duration().toSeconds() >= 60 ? 5 : 2);
    long nextProgress = progressEvery.toNanos();
    while (elapsedNanos() < settings.duration().toNanos()) {
      TimeUnit.NANOSECONDS.sleep(TICK.toNanos());
      for (Timeline.Event event : timeline.due(elapsedNanos())) {
        fire(event);
      }
      if (elapsedNanos() >= nextProgress) {
        progress("");
        nextProgress += progressEvery.toNanos();
      }
    }
    generator.stop();
    long written = generator.written();
    progress("  (generator stopped; draining)");
    long drainDeadline = System.nanoTime() + settings.drainTimeout().toNanos();
    nextProgress = elapsedNanos() + progressEvery.toNanos();
    while (tally.missing(written) > 0 && System.nanoTime() < drainDeadline) {
      TimeUnit.NANOSECONDS.sleep(TICK.toNanos());
      if (elapsedNanos() >= nextProgress) {
        progress("  (draining)");
        nextProgress += progressEvery.toNanos();
      }
    }
    Duration elapsed = Duration.ofNanos(elapsedNanos());
    progress("");
    agent.close();
    Summary summary =
        new Summary(
            written,
            generator.rotations(),
            sent(),
            tally.kinesisRecords(),
            tally.deliveries(),
            tally.distinct(),
            tally.missing(written) + tally.unreadable(),
            elapsed,
            fleet.shardsAtEnd(),
            tally.shardsByWorker());
    summary.print(out);
    if (summary.lost() > 0) {
      LossReport.print(out, kinesis, stream, leases, tally.missingLines(written));
    }
    return summary;
  }

  private void fire(Timeline.Event event) {
    switch (event) {
      case SPLIT -> {
        Shard shard =
            kinesis.listShards(stream).join().stream()
                .filter(Shard::isOpen)
                .findFirst()
                .orElseThrow();
        BigInteger start = shard.hashKeyRange().start();
        BigInteger end = shard.hashKeyRange().end();
        BigInteger middle = start.add(end.subtract(start).add(BigInteger.ONE).shiftRight(1));
        kinesis.splitShard(stream, shard.shardId(), middle).join();
        kinesis.awaitStreamActive(stream, Duration.ofMinutes(2)).join();
        event("split " + shard.shardId() + ": the stream has " + openShards() + " open shards");
      }
      case STOP_WORKER -> {
        fleet.stop("worker-2");
        event("worker-2 stopped (graceful: it checkpointed and released its leases)");
      }
      case RESTART_WORKER -> {
        fleet.start("worker-2");
        event("worker-2 started again");
      }
    }
  }

  private long openShards() {
    return kinesis.listShards(stream).join().stream().filter(Shard::isOpen).count();
  }

  private void event(String what) {
    out.printf("%5ds  >> %s%n", TimeUnit.NANOSECONDS.toSeconds(elapsedNanos()), what);
  }

  private void progress(String suffix) {
    long written = generator.written();
    long consumed = tally.distinct();
    out.printf(
        "%5ds  lines %,10d  sent %,10d  consumed %,10d  lag %,8d  %s%s%n",
        TimeUnit.NANOSECONDS.toSeconds(elapsedNanos()),
        written,
        sent(),
        consumed,
        Math.max(0, written - consumed),
        fleet.describe(),
        suffix);
  }

  private long sent() {
    return (long)
        agentMeters.find("kinesislite.agent.records.sent").counters().stream()
            .mapToDouble(Counter::count)
            .sum();
  }

  private long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }

  private Path prepareDirectory() throws IOException {
    if (settings.dataDirectory().isPresent()) {
      return Files.createDirectories(settings.dataDirectory().get()).toAbsolutePath();
    }
    createdDirectory = true;
    return Files.createTempDirectory("kinesis-lite-quickstart-").toAbsolutePath();
  }

  private KinesisTransport openEndpoint() {
    if (settings.awsRegion().isPresent()) {
      where = "Amazon Kinesis in " + settings.awsRegion().get();
      return closing(Transports.open("aws:" + settings.awsRegion().get()));
    }
    if (settings.transport().isPresent()) {
      where = settings.transport().get();
      return closing(Transports.open(settings.transport().get()));
    }
    ShardEngine engine =
        closing(
            ShardEngine.open(
                EngineConfig.builder().directory(directory.resolve("engine")).build()));
    if (settings.serve()) {
      KinesisServer server =
          closing(KinesisServer.serve(engine, ServerConfig.builder().port(0).build()));
      where = "serve at " + server.endpoint() + " (the bundled engine, durable, over HTTP)";
      return closing(Transports.open(server.endpoint().toString()));
    }
    where = "the bundled engine (durable, in this process)";
    return closing(EmbeddedTransport.over(engine));
  }

  private LeaseStore openLeases() {
    if (settings.awsRegion().isPresent() || settings.dynamoDbEndpoint().isPresent()) {
      LeaseStoreConfig.Builder config = LeaseStoreConfig.builder().tableName(stream);
      settings.awsRegion().ifPresent(config::region);
      settings.dynamoDbEndpoint().ifPresent(config::endpoint);
      return closing(DynamoDbLeaseStore.create(config.build()));
    }
    return closing(EmbeddedLeaseStore.inDirectory(directory, stream));
  }

  private LogAgent startAgent(Path logs) {
    FlowConfig flow =
        FlowConfig.builder(stream)
            .id("quickstart")
            .files(List.of(logs.resolve("app.log*").toString()))
            .initialPosition(InitialPosition.START_OF_FILE)
            .build();
    AgentConfig config =
        AgentConfig.builder()
            .flows(List.of(flow))
            .stateDirectory(directory.resolve("agent-state"))
            .metricsAddress(null)
            .build();
    return closing(LogAgent.start(config, agentMeters, f -> kinesis));
  }

  private <T extends AutoCloseable> T closing(T resource) {
    toClose.push(resource);
    return resource;
  }

  private void tearDown(Summary summary) {
    while (!toClose.isEmpty()) {
      AutoCloseable resource = toClose.pop();
      if (resource == kinesis && settings.awsRegion().isPresent() && !settings.keep()) {
        deleteAwsStream();
      }
      try {
        resource.close();
      } catch (Exception e) {
        out.println("  closing " + resource + " failed: " + e);
      }
    }
    if (settings.awsRegion().isPresent()) {
      out.printf(
          "  the lease table %s stays in DynamoDB: aws dynamodb delete-table --table-name %s%n",
          stream, stream);
    }
    boolean clean = summary != null && summary.lost() == 0;
    if (createdDirectory && !settings.keep() && clean) {
      deleteTree(directory);
    } else if (directory != null) {
      out.printf("  data kept in %s%n", directory);
    }
  }

  private void deleteAwsStream() {
    try {
      kinesis.deleteStream(stream).get(30, TimeUnit.SECONDS);
      out.printf("  deleted stream %s%n", stream);
    } catch (Exception e) {
      out.printf("  could not delete stream %s: %s%n", stream, e);
    }
  }

  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s >= 3600 && s % 3600 == 0) {
      return s / 3600 + " h";
    }
    if (s >= 60 && s % 60 == 0) {
      return s / 60 + " min";
    }
    return s > 0 ? s + " s" : d.toMillis() + " ms";
  }
}
