package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.InitialPosition;
import io.kinesislite.agent.LogAgent;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The log agent's state file under disk faults, the agent in this JVM tailing one log file into a
 * durable bundled engine: a damaged {@code state.json} (the agent must refuse to start, naming the
 * file, and ship everything once it is moved aside), and a state directory that fills up or turns
 * read-only while the agent runs (saves fail and {@code /health} says so, records keep flowing, and
 * saving resumes once the fault clears). Each counts the lines written against the lines in the
 * stream: none may be missing; lines sent twice are counted.
 *
 * <p>Not thread-safe; one per fault, driven by the campaign thread.
 */
final class AgentStateFaults implements AutoCloseable {
  private static final String STREAM = "agent-state";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Path logFile;
  private final Path stateDir;
  private final KinesisTransport kinesis;
  private final AgentConfig config;
  private int lines;

  /** The agent's files under {@code root}, its state in {@code stateDir}. */
  AgentStateFaults(Path root, Path stateDir) throws IOException {
    Path logs = Files.createDirectories(root.resolve("logs"));
    this.logFile = logs.resolve("app.log");
    this.stateDir = stateDir;
    String selection = "embedded:" + Files.createDirectories(root.resolve("engine"));
    // The same selection as the agent's flow: one engine in this JVM, shared.
    this.kinesis = Transports.open(selection);
    this.config =
        AgentConfig.builder()
            .flows(
                List.of(
                    FlowConfig.builder(STREAM)
                        .files(List.of(logs + "/*.log"))
                        .transport(selection)
                        .createStreamShards(1)
                        .initialPosition(InitialPosition.START_OF_FILE)
                        .build()))
            .stateDirectory(stateDir)
            .scanInterval(Duration.ofMillis(50))
            .pollInterval(Duration.ofMillis(10))
            .checkpointInterval(Duration.ofMillis(100))
            .metricsAddress(null)
            .producer(ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(20)).build())
            .build();
  }

  private void write(int count) throws IOException {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < count; i++) {
      s.append("line-").append(lines++).append('\n');
    }
    Files.writeString(
        logFile, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private List<String> shipped() {
    // Each record is one line, its newline included.
    return StreamContents.read(kinesis, STREAM).stream()
        .map(r -> r.data().endsWith("\n") ? r.data().substring(0, r.data().length() - 1) : r.data())
        .toList();
  }

  private Duration awaitAllShipped(String when) {
    return Eventually.within(
        WAIT,
        "all " + lines + " lines to be in the stream " + when,
        () -> missing().isEmpty(),
        () -> missing().size() + " missing");
  }

  private Set<String> missing() {
    Set<String> missing = new HashSet<>();
    for (int i = 0; i < lines; i++) {
      missing.add("line-" + i);
    }
    missing.removeAll(shipped());
    return missing;
  }

  private FaultOutcome outcome(String fault, Duration recovery, String error) {
    List<String> shipped = shipped();
    long duplicates = shipped.size() - new HashSet<>(shipped).size();
    return new FaultOutcome(fault, lines, missing().size(), duplicates, 0, recovery, error);
  }

  /** Damages {@code state.json} while the agent is stopped, then starts it. */
  FaultOutcome damagedStateFile(Random random) throws Exception {
    LogAgent first = LogAgent.start(config);
    try {
      write(100);
      awaitAllShipped("before the damage");
    } finally {
      first.close();
    }
    Path state = stateDir.resolve("state.json");
    assertThat(state).as("the state the agent saved").exists();
    byte[] bytes = Files.readAllBytes(state);
    if (random.nextBoolean()) {
      Files.write(state, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // a torn copy
    } else {
      bytes[random.nextInt(bytes.length)] = (byte) 0x00; // a zeroed byte: not JSON any more
      bytes[0] = '#';
      Files.write(state, bytes);
    }
    write(50);
    Throwable refused = catchThrowable(() -> LogAgent.start(config).close());
    assertThat(refused)
        .as("starting over a damaged state file")
        .isNotNull()
        .hasMessageContaining("the state file " + state + " is damaged")
        .hasMessageContaining("move it aside to start over");
    long movedAside = System.nanoTime();
    Files.move(state, stateDir.resolve("state.json.damaged"));
    LogAgent again = LogAgent.start(config);
    try {
      awaitAllShipped("after the damaged state was moved aside");
      Duration recovery = Duration.ofNanos(System.nanoTime() - movedAside);
      return outcome("agent: damaged state file", recovery, refused.getMessage());
    } finally {
      again.close();
    }
  }

  /**
   * Breaks the state directory while the agent runs ({@code fault} fills it or makes it read-only),
   * then {@code clear} mends it; then restarts the agent over the state it saved.
   */
  FaultOutcome stateDirectoryFault(String name, Runnable fault, Runnable clear, String expected)
      throws Exception {
    String error;
    Duration recovery;
    try (LogAgent agent = LogAgent.start(config)) {
      write(50);
      awaitAllShipped("before the fault");
      fault.run();
      write(50);
      Eventually.within(
          WAIT,
          "the agent's health to report that its state cannot be saved",
          () -> agent.healthProblem().map(p -> p.contains("cannot be saved")).orElse(false),
          () -> "health: " + agent.healthProblem());
      error = agent.healthProblem().orElseThrow();
      assertThat(error).contains(stateDir.toString()).contains(expected);
      awaitAllShipped("while the state cannot be saved");
      long cleared = System.nanoTime();
      clear.run();
      Eventually.within(
          WAIT,
          "the agent to save its state again",
          () -> agent.healthProblem().isEmpty(),
          () -> "health: " + agent.healthProblem());
      recovery = Duration.ofNanos(System.nanoTime() - cleared);
    }
    LogAgent restarted = LogAgent.start(config);
    try {
      write(20);
      awaitAllShipped("after a restart over the state saved once the fault cleared");
    } finally {
      restarted.close();
    }
    return outcome(name, recovery, error);
  }

  @Override
  public void close() {
    kinesis.close();
  }
}
