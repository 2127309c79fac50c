package io.kinesislite.agent;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file the agent may not read, next to one it may: the agent says which file and why, once, and
 * ships the other file in full. The agent runs from the distribution's jar in a JVM of its own, as
 * an unprivileged user when the test runs as root (root reads any file), since that is how an
 * operator meets the problem.
 */
class AgentUnreadableFileIT {
  private static final Path JAR =
      Path.of(System.getProperty("basedir", "."), "target", "dist", "lib", "kinesis-lite-agent.jar")
          .toAbsolutePath();

  @TempDir Path root;

  @Test
  void anUnreadableFileIsReportedByNameAndTheOtherFilesGoOn() throws Exception {
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path logs = Files.createDirectories(root.resolve("logs"));
    Path engine = Files.createDirectories(root.resolve("engine"));
    Path state = Files.createDirectories(root.resolve("state"));
    String selection = "embedded:" + engine;
    try (KinesisTransport kinesis = Transports.open(selection)) {
      await(kinesis.createStream("mixed", 1));
    }
    Path readable = logs.resolve("readable.log");
    Path secret = logs.resolve("secret.log");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 1_000; i++) {
      lines.append("readable ").append(i).append('\n');
    }
    Files.writeString(readable, lines);
    Files.writeString(secret, "secret line\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    Path jar = root.resolve("kinesis-lite-agent.jar");
    Files.copy(JAR, jar); // readable by the unprivileged user, wherever the build lives
    Path config = root.resolve("agent.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "stateDirectory: " + state,
            "checkpointInterval: 200ms",
            "scanInterval: 100ms",
            "metrics:",
            "  address: off",
            "flows:",
            "  - id: mixed",
            "    files: [\"" + logs + "/*.log\"]",
            "    stream: mixed",
            "    transport: \"" + selection + "\"",
            "    initialPosition: start_of_file",
            ""));
    if (asRoot) {
      // The unprivileged user writes the engine's files and the state.
      for (Path p : List.of(engine, state)) {
        try (var walk = Files.walk(p)) {
          for (Path q : walk.toList()) {
            Files.setPosixFilePermissions(
                q,
                PosixFilePermissions.fromString(Files.isDirectory(q) ? "rwxrwxrwx" : "rw-rw-rw-"));
          }
        }
      }
    }
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    }
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m",
            "-jar",
            jar.toString(),
            "run",
            "--config",
            config.toString()));
    Path log = root.resolve("agent.log");
    Process agent =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Eventually.within(
          Duration.ofSeconds(60),
          "the agent saved the readable file as shipped",
          () -> savedAll(state, lines.length()),
          () -> read(log));
      assertThat(read(log))
          .as("the problem is named: file and reason")
          .contains("cannot read " + secret + ": permission denied; other files go on");
      assertThat(read(log).split("cannot read " + secret, -1))
          .as("said once, not at every scan")
          .hasSize(2);
      agent.destroy();
      assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.exitValue()).as("log:\n%s", read(log)).isZero();
    } finally {
      agent.destroyForcibly();
    }
    try (KinesisTransport kinesis = Transports.open(selection)) {
      List<StreamContents.Stored> stored = StreamContents.read(kinesis, "mixed");
      assertThat(stored).hasSize(1_000);
      assertThat(stored).noneMatch(s -> s.data().contains("secret"));
    }
  }

  private static boolean savedAll(Path state, long size) {
    try {
      String json = Files.readString(state.resolve("state.json"), StandardCharsets.UTF_8);
      return json.contains("readable.log") && json.contains("\"offset\" : " + size);
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
