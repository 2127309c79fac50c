package io.kinesislite.reliability;

import io.kinesislite.kpl.Attempt;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the failed attempts producers report in their records' results, by error code and by
 * source: made up by the {@link FaultProxy} (the message carries {@link FaultProxy#MARK}) or from
 * serve itself (its throughput limits). This is what shows that the faults injected reached the
 * producer as the errors they were meant to be, not just that the proxy sent them.
 *
 * <p>A failed call counts once per record it carried, as the records report it. Thread-safe.
 */
public final class AttemptTally {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** Counts the failed attempts among {@code attempts}. */
  public void count(List<Attempt> attempts) {
    for (Attempt a : attempts) {
      if (!a.isSuccessful()) {
        String source =
            a.errorMessage().orElse("").contains(FaultProxy.MARK) ? "injected" : "not injected";
        counts
            .computeIfAbsent(a.errorCode().orElseThrow() + ", " + source, k -> new LongAdder())
            .increment();
      }
    }
  }

  /** Failed attempts with {@code code}, injected by the proxy or not. */
  public long of(String code, boolean injected) {
    LongAdder n = counts.get(code + ", " + (injected ? "injected" : "not injected"));
    return n == null ? 0 : n.sum();
  }

  /** Every count, by "code, source", in name order. */
  public Map<String, Long> all() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, n) -> out.put(k, n.sum()));
    return out;
  }
}
