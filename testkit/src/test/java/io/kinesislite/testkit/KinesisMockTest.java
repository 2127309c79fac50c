package io.kinesislite.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.testkit.internal.NpmInstall;
import io.kinesislite.testkit.internal.PeerDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class KinesisMockTest {
  @TempDir Path cache;
  @TempDir Path logs;

  private KinesisMock.Options.Builder options() {
    return KinesisMock.Options.builder().cacheDir(cache).logDir(logs);
  }

  @Test
  void startFailsInCiWhenNodeIsMissing() {
    KinesisMock.Options options = options().nodeCommand("/nonexistent/node").ciMode(true).build();

    assertThatThrownBy(() -> KinesisMock.start(options))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kinesis-mock cannot start")
        .hasMessageContaining("'/nonexistent/node' was not found");
  }

  @Test
  void startIsSkippedWithTheReasonOutsideCiWhenNodeIsMissing() {
    KinesisMock.Options options = options().nodeCommand("/nonexistent/node").ciMode(false).build();

    assertThatThrownBy(() -> KinesisMock.start(options))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("kinesis-mock cannot start")
        .hasMessageContaining("node");
  }

  @Test
  void startNamesThePathWhenNodeIsNotOnIt() {
    KinesisMock.Options options = options().nodeCommand("no-such-node-kl").ciMode(true).build();

    assertThatThrownBy(() -> KinesisMock.start(options))
        .hasMessageContaining("'no-such-node-kl' was not found on PATH");
  }

  @Test
  void startFailsInCiWhenNpmIsNeededButMissing() {
    KinesisMock.Options options =
        options().nodeCommand(currentJava()).npmCommand("/nonexistent/npm").ciMode(true).build();

    assertThatThrownBy(() -> KinesisMock.start(options))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kinesis-mock cannot start")
        .hasMessageContaining("'/nonexistent/npm' was not found");
  }

  @Test
  void startReportsTheExitCodeAndLogTailWhenTheMockDiesAtOnce(@TempDir Path bin)
      throws IOException {
    fakeInstall();
    Path node = bin.resolve("node");
    Files.writeString(node, "#!/bin/sh\necho 'server.json: no such file' >&2\nexit 3\n");
    Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));
    KinesisMock.Options options =
        options().nodeCommand(node.toString()).faketime(false).ciMode(true).build();

    assertThatThrownBy(() -> KinesisMock.start(options))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kinesis-mock cannot start: it exited with code 3")
        .hasMessageContaining("server.json: no such file");
  }

  @Test
  void startTimesOutWhenTheMockNeverAnswers(@TempDir Path bin) throws IOException {
    fakeInstall();
    Path node = bin.resolve("node");
    Files.writeString(node, "#!/bin/sh\nexec sleep 30\n");
    Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));
    KinesisMock.Options options =
        options()
            .nodeCommand(node.toString())
            .faketime(false)
            .startupTimeout(Duration.ofMillis(300))
            .ciMode(true)
            .build();

    assertThatThrownBy(() -> KinesisMock.start(options))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kinesis-mock cannot start: it was not ready within PT0.3S");
  }

  @Test
  void optionsDefaultToTheDocumentedValues() {
    KinesisMock.Options defaults = KinesisMock.Options.defaults();

    assertThat(defaults.nodeCommand()).isEqualTo("node");
    assertThat(defaults.npmCommand()).isEqualTo("npm");
    assertThat(defaults.shardLimit()).isEqualTo(50);
    assertThat(defaults.startupTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.faketime()).isEmpty();
    assertThat(defaults.ciMode()).isEqualTo(PeerDefaults.ciMode());
  }

  @Test
  void optionsSurviveARoundTripThroughTheirBuilder() {
    KinesisMock.Options options =
        options()
            .nodeCommand("n")
            .npmCommand("m")
            .shardLimit(7)
            .faketime(true)
            .ciMode(true)
            .build();

    KinesisMock.Options copy = options.toBuilder().build();

    assertThat(copy).usingRecursiveComparison().isEqualTo(options);
  }

  @Test
  void optionsRejectValuesOutOfRangeAtOnce() {
    KinesisMock.Options.Builder builder = KinesisMock.Options.builder();

    assertThatThrownBy(() -> builder.shardLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shardLimit < 1: 0");
    assertThatThrownBy(() -> builder.startupTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("startupTimeout <= 0: PT0S");
    assertThatThrownBy(() -> builder.nodeCommand(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.cacheDir(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("cacheDir == null");
  }

  private void fakeInstall() throws IOException {
    Path prefix = cache.resolve("kinesis-local-" + KinesisMock.VERSION);
    Path pkg = Files.createDirectories(prefix.resolve("node_modules/kinesis-local"));
    Files.writeString(pkg.resolve("main.js"), "");
    Files.writeString(pkg.resolve("server.json"), "{}");
    Files.writeString(prefix.resolve(NpmInstall.MARKER), "");
  }

  private static String currentJava() {
    return ProcessHandle.current().info().command().orElseThrow();
  }
}
