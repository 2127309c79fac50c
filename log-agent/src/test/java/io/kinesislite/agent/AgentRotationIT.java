package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.StreamContents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rotation while writing fast, into the durable bundled engine: 40,000 lines written as fast as the
 * writer can, rotated every 4,000 by rename-and-create (the pattern matches only the live name, so
 * renamed files are read through their open channel), by copytruncate (the pattern matches the
 * copies), and by a new file per generation, with old rotations deleted. Every line arrives exactly
 * once, and each file's lines in the order written (one partition key and strict ordering keep the
 * stream's order the agent's).
 */
class AgentRotationIT {
  private static final int LINES = 40_000;
  private static final int PER_GENERATION = 4_000;

  @TempDir Path root;

  /** How a case rotates, and what its pattern matches. */
  record Case(RotatingWriter.Rotation rotation, String pattern) {
    @Override
    public String toString() {
      return rotation + " " + pattern;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // Renamed files leave the pattern: they are read to their end through the open channel.
        new Case(RotatingWriter.Rotation.RENAME, "app.log"),
        new Case(RotatingWriter.Rotation.RENAME, "app.log*"),
        new Case(RotatingWriter.Rotation.COPYTRUNCATE, "app.log*"),
        // The copy is seen half written: it must still be taken for the copy, not a new file.
        new Case(RotatingWriter.Rotation.SLOW_COPYTRUNCATE, "app.log*"),
        new Case(RotatingWriter.Rotation.NEW_FILE, "app-*.log"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void everyLineArrivesOnceInOrderPerFileWhileTheLogRotates(Case c) {
    RotatingWriter.Rotation rotation = c.rotation();
    try (AgentFixture fx = new AgentFixture(root)) {
      fx.createStream("logs", 1);
      String pattern = c.pattern();
      FlowConfig flow = AgentFixture.inOrder(fx.flow("logs", pattern));
      String name = rotation == RotatingWriter.Rotation.NEW_FILE ? "app" : "app.log";
      try (LogAgent agent = LogAgent.start(fx.agent(flow).build());
          RotatingWriter w = new RotatingWriter(fx.logs, name, rotation)) {
        while (w.written() < LINES) {
          // A generation is live for about 200 ms (four scans of 50 ms), as a live log outlives a
          // scan: a file that is created and deleted (or renamed out of the pattern) between two
          // scans is never seen.
          for (int part = 0; part < 10; part++) {
            w.writeRemembering(PER_GENERATION / 10);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
          }
          w.rotate();
        }
        Eventually.within(
            Duration.ofSeconds(120),
            LINES + " lines in the stream",
            () -> fx.read("logs").size() >= LINES,
            () -> fx.read("logs").size() + " lines so far");
        List<StreamContents.Stored> stored = fx.read("logs");
        List<String> data = stored.stream().map(StreamContents.Stored::data).toList();
        Set<String> distinct = new HashSet<>();
        for (String d : data) {
          assertThat(distinct.add(d)).as("shipped once: %s", d).isTrue();
          assertThat(d).endsWith("\n");
        }
        // Set arithmetic, not AssertJ's collection checks, which compare pairwise.
        Set<String> written = new HashSet<>();
        w.lines().forEach(l -> written.add(l + "\n"));
        assertThat(distinct).as("exactly the lines written").isEqualTo(written);
        Map<Integer, List<Integer>> byGeneration = RotatingWriter.byGeneration(data);
        byGeneration.forEach(
            (gen, lines) -> assertThat(lines).as("the lines of generation %d", gen).isSorted());
        assertThat(byGeneration).hasSize(LINES / PER_GENERATION);
        assertThat(agent.healthProblem()).as("the agent is healthy").isEmpty();
      }
    }
  }
}
