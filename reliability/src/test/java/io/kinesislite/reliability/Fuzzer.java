package io.kinesislite.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;
import net.jqwik.api.sessions.JqwikSession;

/**
 * Runs a check over inputs drawn from a jqwik {@link Arbitrary}, a fixed number of tries from one
 * seed, the way a jqwik property does, but from a plain JUnit test so that the number of tries can
 * come from {@link CampaignMode} at run time (a {@code @Property}'s tries are a compile-time
 * constant).
 *
 * <p>Each check runs on the fuzzer's own named thread and is bounded by a timeout, so that an input
 * that hangs the code under test is reported as a failure instead of hanging the build; the stuck
 * thread is abandoned (interrupted, then replaced). A failing input is shrunk greedily through
 * jqwik's {@link Shrinkable#shrink()} candidates, so the report shows a small failing input.
 *
 * <p>Not thread-safe: one {@link #run} at a time. Close it to stop its thread.
 */
final class Fuzzer implements AutoCloseable {
  /** One check of one input; throws (an assertion or anything else) when the input fails. */
  interface Check<T> {
    void accept(T input) throws Exception;
  }

  /** What a run found: tries made, inputs that failed, the first failures shrunk and described. */
  record Result(
      String target,
      long tries,
      long failures,
      List<String> examples,
      Duration worst,
      Duration took) {}

  private static final int MAX_EXAMPLES = 3;
  private static final int MAX_SHRINK_STEPS = 200;

  private final String name;
  private final Duration timeout;
  private ExecutorService thread;

  /**
   * @param name names the worker thread ({@code fuzz-<name>})
   * @param timeout how long one check may take before it counts as a hang
   */
  Fuzzer(String name, Duration timeout) {
    this.name = Objects.requireNonNull(name, "name");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.thread = newThread();
  }

  /**
   * Checks {@code tries} inputs from {@code inputs}, generated from {@code seed}.
   *
   * @param describe how a failing input is shown in the report (keep it short)
   */
  <T> Result run(
      Arbitrary<T> inputs, int tries, long seed, Check<T> check, Function<T, String> describe) {
    // Arbitraries need a jqwik session outside jqwik's own lifecycle; it holds the seed.
    JqwikSession.start(Long.toString(seed));
    try {
      return generate(inputs, tries, seed, check, describe);
    } finally {
      JqwikSession.finish();
    }
  }

  private <T> Result generate(
      Arbitrary<T> inputs, int tries, long seed, Check<T> check, Function<T, String> describe) {
    RandomGenerator<T> generator = inputs.generatorWithEmbeddedEdgeCases(tries);
    Random random = new Random(seed);
    long began = System.nanoTime();
    long failures = 0;
    long worstNanos = 0;
    List<String> examples = new ArrayList<>();
    for (int i = 0; i < tries; i++) {
      Shrinkable<T> input = generator.next(random);
      long start = System.nanoTime();
      Throwable failure = attempt(check, input.value());
      worstNanos = Math.max(worstNanos, System.nanoTime() - start);
      if (failure != null) {
        failures++;
        if (examples.size() < MAX_EXAMPLES) {
          examples.add(shrink(input, failure, check, describe));
        }
      }
    }
    return new Result(
        name,
        tries,
        failures,
        List.copyOf(examples),
        Duration.ofNanos(worstNanos),
        Duration.ofNanos(System.nanoTime() - began));
  }

  /** The failure of {@code check} on {@code value}, or null if it passed in time. */
  private <T> Throwable attempt(Check<T> check, T value) {
    Future<?> done =
        thread.submit(
            () -> {
              check.accept(value);
              return null;
            });
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      done.cancel(true);
      // The stuck check may never return: leave it its thread and carry on with a new one.
      thread.shutdownNow();
      thread = newThread();
      return new AssertionError("no answer within " + timeout.toMillis() + " ms (a hang)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fuzzing " + name, e);
    }
  }

  private <T> String shrink(
      Shrinkable<T> input, Throwable failure, Check<T> check, Function<T, String> describe) {
    Shrinkable<T> smallest = input;
    Throwable smallestFailure = failure;
    int steps = 0;
    boolean smaller = true;
    while (smaller && steps < MAX_SHRINK_STEPS) {
      smaller = false;
      Iterator<Shrinkable<T>> candidates = smallest.shrink().iterator();
      while (candidates.hasNext() && steps < MAX_SHRINK_STEPS) {
        Shrinkable<T> candidate = candidates.next();
        steps++;
        Throwable candidateFailure = attempt(check, candidate.value());
        if (candidateFailure != null) {
          smallest = candidate;
          smallestFailure = candidateFailure;
          smaller = true;
          break;
        }
      }
    }
    String text = describe.apply(smallest.value());
    return (text.length() > 400 ? text.substring(0, 400) + "…" : text)
        + " → "
        + smallestFailure.getClass().getSimpleName()
        + ": "
        + String.valueOf(smallestFailure.getMessage()).lines().findFirst().orElse("");
  }

  private ExecutorService newThread() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzz-" + name);
          t.setDaemon(true); // a thread stuck in a hang must not keep the JVM alive
          return t;
        });
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
