package io.kinesislite.agent;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent in a JVM of its own, SIGKILLed and restarted 6 times while a writer appends and rotates
 * (rename-and-create, rotated files still matching the pattern), into a durable bundled engine in
 * the agent's process. After a last run that catches up and stops on SIGTERM, every line written is
 * in the stream at least once; the duplicates (records in flight or acknowledged after the last
 * saved state, at each kill) are counted and printed.
 */
class AgentCrashIT {
  private static final int KILLS = 6;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void afterRepeatedSigkillsEveryLineWrittenIsInTheStreamAtLeastOnce() throws Exception {
    // Under target/, not a temporary directory: the agent's log stays for a failure's reader.
    Path root =
        Files.createDirectories(
            Path.of(System.getProperty("basedir", "."), "target", "agent-crash-it")
                .resolve(Long.toString(System.currentTimeMillis())));
    System.out.println("AgentCrashIT: working in " + root.toAbsolutePath());
    Path logs = Files.createDirectories(root.resolve("logs"));
    Path state = root.resolve("state");
    Path engine = Files.createDirectories(root.resolve("engine"));
    String selection = "embedded:" + engine;
    try (KinesisTransport kinesis = Transports.open(selection)) {
      await(kinesis.createStream("crash", 2));
    }
    Path config = root.resolve("agent.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "stateDirectory: " + state,
            "checkpointInterval: 200ms",
            "scanInterval: 100ms",
            "pollInterval: 20ms",
            "metrics:",
            "  address: off",
            "flows:",
            "  - id: app",
            "    files: [\"" + logs + "/app.log*\"]",
            "    stream: crash",
            "    transport: \"" + selection + "\"",
            "    initialPosition: start_of_file",
            ""),
        StandardCharsets.UTF_8);
    Path agentLog = root.resolve("agent.log");

    AtomicBoolean writing = new AtomicBoolean(true);
    // Rotations are kept: one deleted while the agent is down and behind would be lost (and
    // reported so), which is not what this test is about.
    RotatingWriter writer =
        new RotatingWriter(logs, "app.log", RotatingWriter.Rotation.RENAME, false);
    CompletableFuture<Void> writes =
        CompletableFuture.runAsync(
            () -> {
              while (writing.get()) {
                writer.writeRemembering(200);
                if (writer.written() % 4_000 == 0) {
                  writer.rotate();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
              }
            });

    long saved = 0;
    for (int kill = 1; kill <= KILLS; kill++) {
      try (AgentProcess agent = AgentProcess.start(config, agentLog, "-Xmx128m")) {
        long before = saved;
        Eventually.within(
            Duration.ofSeconds(60),
            "the agent saved progress in run " + kill,
            () -> savedOffsets(state) > before || !agent.isAlive(),
            agent::logTail);
        assertThat(agent.isAlive()).as("the agent runs; log:\n%s", agent.logTail()).isTrue();
        saved = savedOffsets(state);
        agent.kill();
      }
    }
    writing.set(false);
    writes.get(30, TimeUnit.SECONDS);
    writer.close();

    long written = logBytes(logs);
    long startsBefore = AgentProcess.countLines(agentLog, "Tailing ");
    long lastStart = System.nanoTime();
    try (AgentProcess agent = AgentProcess.start(config, agentLog, "-Xmx128m")) {
      Eventually.within(
          Duration.ofSeconds(60),
          "the last run started",
          () -> agent.logLines("Tailing ") > startsBefore,
          agent::logTail);
      Eventually.within(
          Duration.ofSeconds(120),
          "the agent caught up with all " + written + " bytes",
          () -> savedOffsets(state) >= written,
          () -> "saved " + savedOffsets(state) + " of " + written + "\n" + agent.logTail());
      System.out.printf("AgentCrashIT: caught up %s after the last start%n", elapsed(lastStart));
      long stopAt = System.nanoTime();
      assertThat(agent.stop()).as("exit code after SIGTERM").isZero();
      System.out.printf("AgentCrashIT: stopped on SIGTERM in %s%n", elapsed(stopAt));
    }
    long readAt = System.nanoTime();

    List<StreamContents.Stored> stored;
    try (KinesisTransport kinesis = Transports.open(selection)) {
      stored = StreamContents.read(kinesis, "crash");
    }
    System.out.printf("AgentCrashIT: read the stream back in %s%n", elapsed(readAt));
    Set<String> distinct = new HashSet<>();
    for (StreamContents.Stored s : stored) {
      distinct.add(s.data());
    }
    List<String> expected = writer.lines().stream().map(l -> l + "\n").toList();
    // Set arithmetic here, not AssertJ's collection checks, which compare pairwise.
    Set<String> missing = new HashSet<>(expected);
    missing.removeAll(distinct);
    assertThat(missing).as("lines written but not in the stream").isEmpty();
    Set<String> extra = new HashSet<>(distinct);
    extra.removeAll(new HashSet<>(expected));
    assertThat(extra).as("records in the stream that were never written").isEmpty();
    int duplicates = stored.size() - distinct.size();
    System.out.printf(
        "AgentCrashIT: %d lines written, %d records stored after %d SIGKILLs: %d duplicates"
            + " (%.2f%%)%n",
        expected.size(), stored.size(), KILLS, duplicates, 100.0 * duplicates / expected.size());
  }

  private static String elapsed(long sinceNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos) + " ms";
  }

  // The sum of the saved offsets in the state file; 0 before it exists.
  private static long savedOffsets(Path state) {
    try {
      JsonNode files = JSON.readTree(Files.readAllBytes(state.resolve("state.json"))).get("files");
      long sum = 0;
      for (JsonNode f : files) {
        sum += f.get("offset").asLong();
      }
      return sum;
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long logBytes(Path logs) throws IOException {
    try (Stream<Path> files = Files.list(logs)) {
      return files
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }
}
