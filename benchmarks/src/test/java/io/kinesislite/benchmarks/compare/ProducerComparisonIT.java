package io.kinesislite.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.internal.PeerDefaults;
import io.kinesislite.testkit.internal.PeerFailures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code producer} comparison runs end to end in smoke mode: serve over HTTPS in a JVM of its
 * own, kpl-lite and the real KPL 1.0.7 (its native child included) in theirs, and every row comes
 * back with a positive, finite figure for both sides. No speed is asserted.
 *
 * <p>The KPL's native binary is for glibc Linux on x86-64 or aarch64; elsewhere the test is
 * skipped, except in CI mode ({@code CI=true}), where it fails.
 */
class ProducerComparisonIT {
  @TempDir Path tmp;

  @Test
  void everyRowHasAPositiveFiniteFigureForBothSides() throws Exception {
    requireKplPlatform();
    Path peerLib = Path.of("target", "peer-lib");
    assertThat(peerLib).as("the peers' jars (copied at package time)").isDirectory();
    Workspace workspace = new Workspace(tmp.resolve("work"), Optional.of(peerLib));
    ProducerComparison comparison = new ProducerComparison();

    List<Row> rows = comparison.run(Mode.SMOKE, workspace);

    rows.forEach(r -> System.out.println("[ProducerComparisonIT] " + r));
    assertThat(rows).extracting(Row::comparison).containsOnly("producer");
    assertThat(rows)
        .extracting(Row::metric)
        .containsExactly(
            "delivered, full speed",
            "CPU, full speed",
            "peak memory, full speed",
            "latency p50, half the slower peak",
            "latency p99, half the slower peak");
    for (Row r : rows) {
      assertThat(r.kinesisLite()).as("kpl-lite: %s", r.metric()).isPositive().isFinite();
      assertThat(r.peer()).as("KPL: %s", r.metric()).isPositive().isFinite();
      assertThat(r.peerName()).isEqualTo("KPL 1.0.7");
    }
    assertThat(comparison.settings(Mode.SMOKE))
        .contains("RateLimit", "VerifyCertificate=false", "records/s in this run");
  }

  private static void requireKplPlatform() {
    boolean ci = PeerDefaults.ciMode();
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")
        || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
      throw PeerFailures.unavailable(
          ci, "The real KPL's native binary runs on Linux x86-64 or aarch64 only: " + os + arch);
    }
    Path loader =
        Path.of(
            arch.equals("aarch64") ? "/lib/ld-linux-aarch64.so.1" : "/lib64/ld-linux-x86-64.so.2");
    if (!Files.exists(loader)) {
      throw PeerFailures.unavailable(ci, "The real KPL's native binary needs glibc: no " + loader);
    }
  }
}
