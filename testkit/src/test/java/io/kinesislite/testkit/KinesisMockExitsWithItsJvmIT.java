package io.kinesislite.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.internal.DynamoDbLocalLauncher;
import io.kinesislite.testkit.internal.PeerDefaults;
import io.kinesislite.testkit.internal.PeerFailures;
import io.kinesislite.testkit.internal.PeerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kinesis-mock does not outlive a test JVM killed with SIGKILL (as by a Failsafe fork timeout),
 * when no shutdown hook runs: a child JVM starts it and is killed, and node must exit on its own.
 */
class KinesisMockExitsWithItsJvmIT {
  // Only guards against a hang: the child may have to install kinesis-mock (npm, up to 5 min) and
  // then start it (up to 60 s).
  private static final Duration STARTUP_BOUND = Duration.ofMinutes(7);
  private static final Duration EXIT_BOUND = Duration.ofSeconds(15);
  private static final Duration POLL = Duration.ofMillis(50);

  @TempDir Path tmp;

  @Test
  void nodeExitsWhenTheJvmThatStartedItIsKilled() throws Exception {
    Path childLog =
        PeerDefaults.logDir().resolve("kinesis-mock-child-jvm-" + System.nanoTime() + ".log");
    Files.createDirectories(childLog.toAbsolutePath().getParent());
    List<String> command =
        List.of(
            DynamoDbLocalLauncher.currentJava(),
            "-D" + PeerDefaults.CACHE_PROPERTY + "=" + PeerDefaults.cacheDir(),
            "-D" + PeerDefaults.LOGS_PROPERTY + "=" + PeerDefaults.logDir(),
            "-D" + PeerDefaults.CI_PROPERTY + "=" + PeerDefaults.ciMode(),
            // The mock's working directory goes here, since no one closes that mock.
            "-Djava.io.tmpdir=" + tmp,
            "-cp",
            System.getProperty("java.class.path"),
            KinesisMockChildJvm.class.getName());
    Process child = new ProcessBuilder(command).redirectError(childLog.toFile()).start();
    long nodePid = -1;
    try {
      String line = firstLine(child, childLog);
      if (line.startsWith(KinesisMockChildJvm.UNAVAILABLE)) {
        throw PeerFailures.unavailable(
            PeerDefaults.ciMode(), line.substring(KinesisMockChildJvm.UNAVAILABLE.length()));
      }
      assertThat(line).startsWith(KinesisMockChildJvm.PID);
      nodePid = Long.parseLong(line.substring(KinesisMockChildJvm.PID.length()).strip());
      assertThat(isRunning(nodePid)).as("node (pid %d) runs before the kill", nodePid).isTrue();

      child.destroyForcibly();
      assertThat(child.waitFor(EXIT_BOUND.toMillis(), TimeUnit.MILLISECONDS))
          .as("the child JVM is gone after SIGKILL")
          .isTrue();

      assertThat(awaitGone(nodePid))
          .as("node (pid %d) exited within %s of its JVM's SIGKILL", nodePid, EXIT_BOUND)
          .isTrue();
    } finally {
      child.destroyForcibly();
      if (nodePid > 0) {
        long pid = nodePid;
        ProcessHandle.of(pid)
            .filter(handle -> handle.info().commandLine().orElse("").contains("kinesis-local"))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** Reads the child's first stdout line within {@link #STARTUP_BOUND}. */
  private static String firstLine(Process child, Path childLog) throws Exception {
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                line.complete(in.readLine());
              } catch (IOException | RuntimeException e) {
                line.completeExceptionally(e);
              }
            },
            "child-jvm-stdout");
    reader.setDaemon(true);
    reader.start();
    String first;
    try {
      first = line.get(STARTUP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new AssertionError(failure("The child JVM printed nothing", childLog), e);
    }
    if (first == null) {
      throw new AssertionError(failure("The child JVM exited without printing a pid", childLog));
    }
    return first;
  }

  private static String failure(String what, Path childLog) {
    return PeerFailures.withLogTail(
        what + " (log: " + childLog + ").", PeerProcess.tail(childLog, 40));
  }

  private static boolean awaitGone(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + EXIT_BOUND.toNanos();
    while (isRunning(pid)) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(POLL.toMillis());
    }
    return true;
  }

  /**
   * Whether the process runs. An exited process whose new parent has not reaped it yet (a zombie)
   * does not: it holds no sockets and runs no code, yet ProcessHandle reports it alive.
   */
  private static boolean isRunning(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid);
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // "pid (comm) S ...": the state follows the last ')', since comm may contain one.
      return stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
