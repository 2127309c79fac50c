package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the quickstart the way the README's run command does, through {@code examples/run} (after
 * {@code package} built target/classes and target/lib), in its own JVM: the command a new user
 * types must work, not only the class.
 */
class QuickstartLauncherIT {
  @TempDir Path dir;

  @Test
  void theLauncherRunsTheQuickstartToAnExitCodeOfZero() throws IOException, InterruptedException {
    Path log = dir.resolve("quickstart.log");
    Process process =
        new ProcessBuilder(
                "./run",
                "Quickstart",
                "--duration",
                "6s",
                "--rate",
                "300",
                "--drain-timeout",
                "60s")
            .directory(Path.of("").toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();

    boolean ended = process.waitFor(3, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .containsPattern("lost +0\\n")
        .contains("OK: every line written was consumed.")
        // The launcher runs with the default WARN level: no INFO chatter around the table.
        .doesNotContain(" INFO ");
  }
}
