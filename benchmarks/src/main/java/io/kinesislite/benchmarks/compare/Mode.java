package io.kinesislite.benchmarks.compare;

/**
 * How long and how often a comparison measures. Each comparison scales its own workload by the
 * mode; the figures that go into {@code docs/benchmarks.md} come from {@link #FULL}.
 */
public enum Mode {
  /** A tiny case of every comparison, for {@code mvn verify}: proves it runs, measures nothing. */
  SMOKE(1),
  /** Every comparison in under 10 minutes in all: one run of each side, shortened workloads. */
  SHORT(1),
  /** The documented figures: at least 5 alternating runs of each side, full workloads. */
  FULL(5);

  private final int runs;

  Mode(int runs) {
    this.runs = runs;
  }

  /** Measured runs of each side, alternating (warm-up runs come on top and are discarded). */
  public int runs() {
    return runs;
  }
}
