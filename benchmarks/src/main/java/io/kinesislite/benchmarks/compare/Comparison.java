package io.kinesislite.benchmarks.compare;

import java.util.List;

/**
 * One side-by-side comparison: kinesis-lite and a peer doing the same work on the same machine, in
 * alternating runs, each side's medians reported as {@link Row}s. Implementations run each side in
 * a process of its own where CPU and memory are measured, so that the figures are the whole
 * process's (a native child included).
 */
public interface Comparison {
  /** A short name, used by {@code --only}: {@code producer}, {@code consumer}, {@code agent}, … */
  String name();

  /**
   * What is compared and with which settings on each side, in Markdown, for {@code
   * docs/benchmarks.md}: the fairness rules say each side's settings are shown.
   */
  String settings(Mode mode);

  /**
   * Runs the comparison: warm-up runs (discarded), then {@link Mode#runs()} alternating runs of
   * each side; returns the rows, with medians.
   *
   * @throws Exception if a side could not run; the command reports it and goes on to the next
   *     comparison
   */
  List<Row> run(Mode mode, Workspace workspace) throws Exception;
}
