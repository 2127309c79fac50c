package io.kinesislite.reliability;

import java.time.Duration;
import java.util.Random;

/**
 * Decides, per call and at seeded random, which fault a {@link FaultProxy} injects: none, or one of
 * the {@link Fault} kinds, each with its own probability. A storm multiplies every probability for
 * a while; an outage gives every call of one operation the same fault until it ends; {@link #off()}
 * stops injecting altogether.
 *
 * <p>The seed fixes the sequence of decisions, not which call gets which: calls from several
 * threads race for the next decision. Thread-safe (decisions under the plan's lock).
 */
public final class FaultPlan {
  /** What the proxy does to one call. */
  public enum Fault {
    /** Answered by the proxy: HTTP 400, a throttling error; serve never sees the call. */
    THROTTLE("throttling error (HTTP 400)"),
    /** Answered by the proxy: HTTP 500 {@code InternalFailure}; serve never sees the call. */
    INTERNAL_ERROR("internal error (HTTP 500)"),
    /** The connection is closed before the call reaches serve. */
    DROP_BEFORE("connection dropped before serve"),
    /** The call reaches serve, which acts on it; the connection is closed instead of answering. */
    DROP_AFTER("connection dropped after serve answered"),
    /** The call reaches serve; its answer is held back for a while (a latency spike). */
    DELAY("latency spike");

    private final String label;

    Fault(String label) {
      this.label = label;
    }

    /** How the report names this kind. */
    public String label() {
      return label;
    }
  }

  /**
   * Probabilities, per call, of each fault; their sum must be at most 1.
   *
   * @param delayMin the shortest latency spike
   * @param delayMax the longest latency spike
   */
  public record Rates(
      double throttle,
      double internalError,
      double dropBefore,
      double dropAfter,
      double delay,
      Duration delayMin,
      Duration delayMax) {
    public Rates {
      double sum = throttle + internalError + dropBefore + dropAfter + delay;
      if (throttle < 0 || internalError < 0 || dropBefore < 0 || dropAfter < 0 || delay < 0) {
        throw new IllegalArgumentException("fault rates must not be negative");
      }
      if (sum > 1) {
        throw new IllegalArgumentException("fault rates add up to " + sum + ", over 1");
      }
      if (delayMin.isNegative() || delayMax.compareTo(delayMin) < 0) {
        throw new IllegalArgumentException("delays must be 0 <= min <= max: " + delayMin);
      }
    }

    double total() {
      return throttle + internalError + dropBefore + dropAfter + delay;
    }
  }

  private final Rates rates;
  private final Random random;
  // Guarded by this.
  private boolean on;
  private double multiplier = 1;
  private String outageOperation;
  private Fault outageFault;

  /** A plan that injects nothing until {@link #on()}. */
  public FaultPlan(long seed, Rates rates) {
    this.rates = rates;
    this.random = new Random(seed);
  }

  /** Starts injecting faults at the base rates. */
  public synchronized void on() {
    on = true;
    multiplier = 1;
  }

  /** Stops injecting faults: every later call is forwarded untouched. */
  public synchronized void off() {
    on = false;
  }

  /**
   * Multiplies every rate by {@code factor} (1 for the base rates), scaled down if needed so that
   * they still add up to at most 1.
   */
  public synchronized void storm(double factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("a storm factor is at least 1: " + factor);
    }
    multiplier = Math.min(factor, 1 / Math.max(rates.total(), 1e-9));
  }

  /** Gives every call of {@code operation} the fault {@code fault} until {@link #endOutage()}. */
  public synchronized void outage(String operation, Fault fault) {
    outageOperation = operation;
    outageFault = fault;
  }

  /** Ends the outage; calls get faults at the plan's rates again. */
  public synchronized void endOutage() {
    outageOperation = null;
    outageFault = null;
  }

  /** The fault for the next call of {@code operation}, or null to forward it untouched. */
  public synchronized Fault next(String operation) {
    if (!on) {
      return null;
    }
    if (operation.equals(outageOperation)) {
      return outageFault;
    }
    double p = random.nextDouble() / multiplier;
    if ((p -= rates.throttle) < 0) {
      return Fault.THROTTLE;
    }
    if ((p -= rates.internalError) < 0) {
      return Fault.INTERNAL_ERROR;
    }
    if ((p -= rates.dropBefore) < 0) {
      return Fault.DROP_BEFORE;
    }
    if ((p -= rates.dropAfter) < 0) {
      return Fault.DROP_AFTER;
    }
    if ((p -= rates.delay) < 0) {
      return Fault.DELAY;
    }
    return null;
  }

  /** How long the next latency spike lasts, between the configured bounds. */
  public synchronized Duration nextDelay() {
    long min = rates.delayMin.toMillis();
    long span = rates.delayMax.toMillis() - min;
    return Duration.ofMillis(min + (span == 0 ? 0 : (long) (random.nextDouble() * (span + 1))));
  }
}
