package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class QuickstartTest {
  @TempDir Path dir;

  @Test
  void shortRunOnTheDurableEngineLosesNothingThroughSplitAndWorkerRestart() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    int exit =
        new CommandLine(new Quickstart(out))
            .execute("--duration", "8s", "--rate", "400", "--data-dir", dir.toString());

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(text).isZero();
    assertThat(text)
        .contains("the stream has 5 open shards")
        .contains("worker-2 stopped")
        .contains("worker-2 started again")
        .containsPattern("lost +0\\n")
        .containsPattern("lines written +[1-9][0-9,]* ")
        .containsPattern("Kinesis records \\(aggregates\\) +[1-9]")
        .containsPattern("worker-1 +[0-9] shards at the end")
        .containsPattern("worker-2 +[0-9] shards at the end")
        .contains("OK: every line written was consumed.");
    // The durable engine's segments, the agent's state and the lease table are in the data dir.
    assertThat(dir.resolve("engine")).isDirectory();
    assertThat(dir.resolve("agent-state")).isDirectory();
    try (var leases = Files.list(dir.resolve("leases"))) {
      assertThat(leases.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".json"));
    }
  }

  @Test
  void aRateOutOfRangeIsRefusedBeforeAnythingStarts() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine command = new CommandLine(new Quickstart(System.out));
    command.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));

    int exit = command.execute("--rate", "0", "--data-dir", dir.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("rate must be 1 to 100000");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void serveDoesNotGoWithAnotherEndpoint() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine command = new CommandLine(new Quickstart(System.out));
    command.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));

    int exit = command.execute("--serve", "--aws", "us-east-1");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--serve starts its own endpoint");
  }
}
