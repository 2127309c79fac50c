package io.kinesislite.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmInstallTest {
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;

  @Test
  void interruptingTheInstallKillsNpmAndLeavesThePackageUninstalled() throws Exception {
    Path pidFile = dir.resolve("npm.pid");
    Path npm = dir.resolve("npm");
    // Stands in for an npm that hangs: records its pid, then sleeps in the same process.
    Files.writeString(npm, "#!/bin/sh\necho $$ > '" + pidFile + "'\nexec sleep 60\n");
    Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
    NpmInstall install = new NpmInstall(dir.resolve("cache"), "some-package", "1.0.0", "main.js");
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread installer =
        new Thread(
            () -> {
              try {
                install.ensureInstalled(npm, dir, dir.resolve("npm.log"));
                outcome.complete(null);
              } catch (Throwable t) {
                outcome.complete(t);
              }
            },
            "npm-install-test");
    installer.start();
    long npmPid = -1;
    try {
      npmPid = awaitPid(pidFile);

      installer.interrupt();

      assertThat(outcome.get(BOUND.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(InterruptedException.class);
      // ensureInstalled waited for npm to exit before it threw.
      assertThat(ProcessHandle.of(npmPid).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(install.isInstalled()).isFalse();
    } finally {
      installer.interrupt();
      installer.join(BOUND.toMillis());
      if (npmPid > 0) {
        ProcessHandle.of(npmPid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static long awaitPid(Path pidFile) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (Files.isRegularFile(pidFile)) {
        String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError("the fake npm did not start within " + BOUND);
  }
}
