package io.kinesislite.reliability;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * When the next fault comes and which it is, from a seeded {@link Random}, so that a run can be
 * repeated with its seed. The first faults are every kind once, in a shuffled order, so that even a
 * short run injects each kind; after those, each fault is drawn at random. The pause before each
 * fault is drawn uniformly between the two bounds. Not thread-safe.
 *
 * @param <F> the fault kinds, an enum
 */
final class FaultSchedule<F extends Enum<F>> {
  private final Random random;
  private final F[] kinds;
  private final Duration minPause;
  private final Duration maxPause;
  private final Deque<F> firstRound;

  FaultSchedule(Random random, Class<F> kinds, Duration minPause, Duration maxPause) {
    if (maxPause.compareTo(minPause) < 0) {
      throw new IllegalArgumentException("maxPause " + maxPause + " < minPause " + minPause);
    }
    this.random = random;
    this.kinds = kinds.getEnumConstants();
    this.minPause = minPause;
    this.maxPause = maxPause;
    List<F> all = new ArrayList<>(List.of(this.kinds));
    Collections.shuffle(all, random);
    this.firstRound = new ArrayDeque<>(all);
  }

  /** The pause before the next fault. */
  Duration nextPause() {
    long span = maxPause.toMillis() - minPause.toMillis();
    return minPause.plusMillis(span == 0 ? 0 : (long) (random.nextDouble() * span));
  }

  /** The next fault to inject. */
  F nextFault() {
    return firstRound.isEmpty() ? kinds[random.nextInt(kinds.length)] : firstRound.poll();
  }

  /** True once every kind has been handed out at least once. */
  boolean everyKindDrawn() {
    return firstRound.isEmpty();
  }

  /** The same random source, for choices a fault makes (which worker, which shard). */
  Random random() {
    return random;
  }
}
