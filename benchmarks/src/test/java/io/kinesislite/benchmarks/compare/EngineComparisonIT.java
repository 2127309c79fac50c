package io.kinesislite.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.internal.PeerDefaults;
import io.kinesislite.testkit.internal.PeerFailures;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine comparison in smoke mode (1 s phases, serve against kinesalite), so that a broken
 * comparison fails the build: every row has a positive, finite value for kinesis-lite and, where it
 * has a peer, for the peer. When kinesalite cannot run here (no node, or no npm to install it), the
 * comparison gives serve's figures alone and this test follows the testkit's rule for a missing
 * peer: it fails in CI mode and is skipped, with the reason, elsewhere. It measures nothing.
 */
class EngineComparisonIT {
  @Test
  @Timeout(180)
  void everyRowHasFiguresForBothSides(@TempDir Path dir) throws Exception {
    EngineComparison comparison = new EngineComparison();
    List<Row> rows = comparison.run(Mode.SMOKE, new Workspace(dir, Optional.empty()));

    assertThat(rows).extracting(Row::comparison).containsOnly("engine");
    // ready, put, get and memory against kinesalite; in-process put and get without a peer
    assertThat(rows).hasSize(6);
    for (Row r : rows) {
      if (!r.peerName().equals(ComparisonAssertions.NO_PEER) && Double.isNaN(r.peer())) {
        assertThat(r.kinesisLite()).as("serve's %s", r.metric()).isFinite().isPositive();
        throw PeerFailures.unavailable(
            PeerDefaults.ciMode(), r.peerName() + " could not be compared: " + r.note());
      }
    }
    ComparisonAssertions.assertFigures(rows);
    assertThat(rows)
        .extracting(Row::peerName)
        .containsOnly("kinesalite 3.3.3", ComparisonAssertions.NO_PEER);
  }
}
