package io.kinesislite.benchmarks.compare;

import java.util.Objects;

/**
 * One line of the comparison table: a metric measured for kinesis-lite and for its peer in the same
 * run of the command, on the same machine.
 *
 * @param comparison which comparison measured it, e.g. {@code producer}
 * @param metric what was measured, e.g. {@code user records/s delivered}
 * @param unit the unit both values are in, e.g. {@code records/s}, {@code CPU s per million}
 * @param kinesisLite kinesis-lite's value (the median of its runs)
 * @param peerName what it was compared with, e.g. {@code KPL 1.0.7}
 * @param peer the peer's value (the median of its runs); NaN when the peer has no such figure
 * @param better whether a higher or a lower value is better
 * @param note how to read the row, or empty
 */
public record Row(
    String comparison,
    String metric,
    String unit,
    double kinesisLite,
    String peerName,
    double peer,
    Better better,
    String note) {

  /** Whether a higher or a lower value of a metric is the better one. */
  public enum Better {
    HIGHER,
    LOWER
  }

  public Row {
    Objects.requireNonNull(comparison, "comparison == null");
    Objects.requireNonNull(metric, "metric == null");
    Objects.requireNonNull(unit, "unit == null");
    Objects.requireNonNull(peerName, "peerName == null");
    Objects.requireNonNull(better, "better == null");
    note = note == null ? "" : note;
  }

  /**
   * How many times better kinesis-lite is than the peer on this metric: above 1 kinesis-lite is
   * better, below 1 it is behind. For a higher-is-better metric kinesis-lite ÷ peer, for a
   * lower-is-better one peer ÷ kinesis-lite; 1 when both are zero (level: no duplicates on either
   * side, say); NaN when either value is missing, or only one is zero.
   */
  public double ratio() {
    if (kinesisLite == 0 && peer == 0) {
      return 1.0;
    }
    if (!(kinesisLite > 0) || !(peer > 0)) {
      return Double.NaN;
    }
    return better == Better.HIGHER ? kinesisLite / peer : peer / kinesisLite;
  }
}
