package io.kinesislite.agent;

import static io.kinesislite.testkit.TransportAssertions.await;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A log directory, a state directory and a durable bundled engine under one temporary directory,
 * with quick agent timings, for tests that run the agent in this JVM. The test's own transport
 * shares the agent's engine (same directory), so it reads what the agent wrote. Not thread-safe.
 */
final class AgentFixture implements AutoCloseable {
  final Path logs;
  final Path state;
  final String selection;
  final KinesisTransport kinesis;

  AgentFixture(Path root) {
    try {
      logs = Files.createDirectories(root.resolve("logs"));
      state = root.resolve("state");
      Path engine = Files.createDirectories(root.resolve("engine"));
      selection = "embedded:" + engine;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    kinesis = Transports.open(selection);
  }

  void createStream(String stream, int shards) {
    await(kinesis.createStream(stream, shards));
  }

  /** A flow tailing {@code patterns} (relative to the log directory) into {@code stream}. */
  FlowConfig.Builder flow(String stream, String... patterns) {
    return FlowConfig.builder(stream)
        .files(java.util.Arrays.stream(patterns).map(p -> logs + "/" + p).toList())
        .transport(selection)
        .initialPosition(InitialPosition.START_OF_FILE);
  }

  /**
   * The flow with one partition key and strict ordering, so the stream holds the records in the
   * order the agent shipped them (one shard).
   */
  static FlowConfig inOrder(FlowConfig.Builder flow) {
    return flow.partitionKey(new KeySource.Host())
        .producer(
            ProducerConfig.builder()
                .strictOrdering(true)
                .recordMaxBufferedTime(Duration.ofMillis(20))
                .build())
        .build();
  }

  /** Agent settings with quick scans, polls and checkpoints, no metrics endpoint. */
  AgentConfig.Builder agent(FlowConfig... flows) {
    return AgentConfig.builder()
        .flows(List.of(flows))
        .stateDirectory(state)
        .scanInterval(Duration.ofMillis(50))
        .pollInterval(Duration.ofMillis(10))
        .checkpointInterval(Duration.ofMillis(100))
        .metricsAddress(null)
        .producer(ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(20)).build());
  }

  List<StreamContents.Stored> read(String stream) {
    return StreamContents.read(kinesis, stream);
  }

  @Override
  public void close() {
    kinesis.close();
  }
}
