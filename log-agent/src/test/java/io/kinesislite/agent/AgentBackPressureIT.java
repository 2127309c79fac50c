package io.kinesislite.agent;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream throttled to one shard of the bundled engine with the Kinesis limits on (1 MiB/s), and
 * 12 MB of lines waiting: the agent, in a JVM of its own with a 64 MiB heap and a 2 MiB buffer
 * bound, pauses reading while the shard throttles instead of filling its heap. Its buffered bytes
 * never pass the bound by more than one read chunk, its heap stays under the JVM's bound (it would
 * exit on OutOfMemoryError), and every line arrives.
 */
class AgentBackPressureIT {
  private static final int LINES = 80_000; // 150 bytes each: 12 MB
  private static final long BOUND = 2L << 20;

  @TempDir Path root;

  @Test
  void aThrottledStreamPausesReadingWithinTheBoundsAndLosesNothing() throws Exception {
    Path logs = Files.createDirectories(root.resolve("logs"));
    Path engine = Files.createDirectories(root.resolve("engine"));
    String selection = "embedded:" + engine;
    try (KinesisTransport kinesis = Transports.open(selection)) {
      await(kinesis.createStream("hot", 1));
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < LINES; i++) {
      text.append(String.format("line %08d ", i)).append("x".repeat(135)).append('\n');
    }
    Files.writeString(logs.resolve("app.log"), text, StandardCharsets.UTF_8);
    int port = MetricsScrape.freePort();
    Path config = root.resolve("agent.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "stateDirectory: " + root.resolve("state"),
            "maxBufferedBytes: " + BOUND,
            "checkpointInterval: 200ms",
            "metrics:",
            "  address: 127.0.0.1:" + port,
            "flows:",
            "  - id: hot",
            "    files: [\"" + logs + "/*.log\"]",
            "    stream: hot",
            "    transport: \"" + selection + "\"",
            "    initialPosition: start_of_file",
            ""));
    MetricsScrape scrape = new MetricsScrape(port);
    AtomicLong maxBuffered = new AtomicLong();
    AtomicLong maxHeap = new AtomicLong();
    try (AgentProcess agent = AgentProcess.start(config, root.resolve("agent.log"), "-Xmx64m")) {
      Eventually.within(
          Duration.ofSeconds(180),
          "every line acknowledged",
          () -> {
            assertThat(agent.isAlive()).as("the agent runs; log:\n%s", agent.logTail()).isTrue();
            String m = scrape.metrics();
            maxBuffered.accumulateAndGet(
                (long) MetricsScrape.sum(m, "kinesislite_agent_buffered_bytes", ""), Math::max);
            maxHeap.accumulateAndGet(
                (long) MetricsScrape.sum(m, "jvm_memory_used_bytes", "area=\"heap\""), Math::max);
            return MetricsScrape.sum(m, "kinesislite_agent_records_sent_total", "flow=\"hot\"")
                >= LINES;
          },
          agent::logTail);
      assertThat(agent.stop()).isZero();
    }
    System.out.printf(
        "AgentBackPressureIT: peak buffered %,d bytes (bound %,d), peak heap used %,d bytes"
            + " (-Xmx64m)%n",
        maxBuffered.get(), BOUND, maxHeap.get());
    assertThat(maxBuffered.get())
        .as("buffered bytes stay within the bound, one read chunk and the line it cut")
        .isPositive()
        .isLessThanOrEqualTo(BOUND + 256 * 1024 + 150);
    assertThat(maxHeap.get()).isPositive().isLessThan(64L << 20);

    List<StreamContents.Stored> stored;
    try (KinesisTransport kinesis = Transports.open(selection)) {
      stored = StreamContents.read(kinesis, "hot");
    }
    Set<String> distinct = new HashSet<>();
    stored.forEach(s -> distinct.add(s.data()));
    Set<String> expected = new HashSet<>(List.of(text.toString().split("(?<=\n)")));
    Set<String> missing = new HashSet<>(expected);
    missing.removeAll(distinct);
    assertThat(missing).as("lines that never arrived").isEmpty();
    System.out.printf(
        "AgentBackPressureIT: %d lines, %d records stored, %d duplicates%n",
        LINES, stored.size(), stored.size() - distinct.size());
  }
}
