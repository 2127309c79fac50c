package io.kinesislite.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent comparison in smoke mode (a 2 MiB file), so that a broken comparison fails the build:
 * every row has a positive, finite value for kinesis-lite and, where it has a peer, for the peer.
 * It measures nothing.
 */
class AgentComparisonIT {
  @Test
  @Timeout(120)
  void everyRowHasFiguresForBothSides(@TempDir Path dir) throws Exception {
    AgentComparison comparison = new AgentComparison();
    List<Row> rows = comparison.run(Mode.SMOKE, new Workspace(dir, Optional.empty()));

    assertThat(rows).extracting(Row::comparison).containsOnly("agent");
    assertThat(rows).hasSize(3);
    ComparisonAssertions.assertFigures(rows);
    assertThat(rows.get(0).peerName()).isEqualTo(AgentComparison.PEER);
    assertThat(comparison.settings(Mode.SMOKE)).contains("start_of_file").contains("wc -l");
  }

  @Test
  void wcReadsASmallFileOftenEnoughToMeasureIt() {
    assertThat(AgentComparison.wcRepetitions(2L << 20)).isEqualTo(64);
    assertThat(AgentComparison.wcRepetitions(256L << 20)).isEqualTo(1);
    assertThat(AgentComparison.wcRepetitions(1L << 30)).isEqualTo(1);
  }
}
