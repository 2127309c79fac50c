package io.kinesislite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command as a user runs it: {@code target/dist/bin/kinesis-lite serve} in one
 * process, {@code streams create}, {@code put} and {@code tail} as separate processes against it,
 * then SIGTERM stops the server gracefully.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("target/dist/bin/kinesis-lite");
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  @TempDir Path dir;

  @Test
  void serveThenCreatePutAndTailFromOtherProcessesThenStopOnSigterm() throws Exception {
    assertThat(LAUNCHER).as("run mvn package first").isExecutable();
    Path serveErr = dir.resolve("serve.err");
    Process serve =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "serve",
                "--port",
                "0",
                "--data-dir",
                dir.resolve("data").toString())
            .redirectError(serveErr.toFile())
            .start();
    try {
      String endpoint;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
        String first = out.readLine();
        assertThat(first).as(Files.readString(serveErr)).isNotNull();
        Matcher m = LISTENING.matcher(first);
        assertThat(m.find()).as(first).isTrue();
        endpoint = m.group(1);
        assertThat(run("", "streams", "create", "cli", "--shards", "2", "--wait", "-t", endpoint))
            .contains("created cli");
        String lines =
            IntStream.range(0, 500).mapToObj(i -> "event-" + i).collect(Collectors.joining("\n"));
        run(lines + "\n", "put", "cli", "-t", endpoint);
        List<String> tailed = run("", "tail", "cli", "-t", endpoint).lines().toList();
        assertThat(tailed).hasSize(500).contains("event-0", "event-499");
        serve.destroy(); // SIGTERM
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve stopped on SIGTERM").isTrue();
      }
      assertThat(Files.readString(serveErr)).contains("Stopped serving");
    } finally {
      serve.destroyForcibly();
    }
  }

  private String run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(List.of(args));
    Path out = dir.resolve("out-" + System.nanoTime());
    Path err = dir.resolve("err-" + System.nanoTime());
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", args)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", args) + ": " + Files.readString(err)).isZero();
    return Files.readString(out);
  }
}
