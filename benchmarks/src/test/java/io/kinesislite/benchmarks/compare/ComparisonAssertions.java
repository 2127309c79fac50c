package io.kinesislite.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** What the comparisons' smoke tests check of every row. Stateless. */
final class ComparisonAssertions {
  /** The name of the peer of rows that have none. */
  static final String NO_PEER = "–";

  private ComparisonAssertions() {}

  /**
   * Every row has a positive, finite kinesis-lite value; a row with a peer has one for the peer
   * too, and a row without a peer has none.
   */
  static void assertFigures(List<Row> rows) {
    assertThat(rows).isNotEmpty();
    for (Row r : rows) {
      assertThat(r.kinesisLite()).as("kinesis-lite's %s", r.metric()).isFinite().isPositive();
      if (r.peerName().equals(NO_PEER)) {
        assertThat(r.peer()).as("%s has no peer", r.metric()).isNaN();
      } else {
        assertThat(r.peer())
            .as("%s's %s (%s)", r.peerName(), r.metric(), r.note())
            .isFinite()
            .isPositive();
        assertThat(r.ratio()).as("ratio of %s", r.metric()).isFinite().isPositive();
      }
    }
  }
}
