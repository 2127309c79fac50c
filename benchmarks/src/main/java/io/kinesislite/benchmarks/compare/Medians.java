package io.kinesislite.benchmarks.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The median of a list of measured values; stateless. */
public final class Medians {
  private Medians() {}

  /** The median of {@code values} (the mean of the middle two for an even count); NaN if empty. */
  public static double of(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.removeIf(v -> v == null || v.isNaN());
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
