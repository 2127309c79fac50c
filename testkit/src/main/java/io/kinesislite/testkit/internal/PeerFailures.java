package io.kinesislite.testkit.internal;

import org.junit.jupiter.api.Assumptions;
import org.opentest4j.TestAbortedException;

/**
 * The one policy for a test peer that cannot be used: in CI mode ({@link PeerDefaults#ciMode()}:
 * {@code CI=true} or {@code -Dkinesislite.ci=true}) the build fails, and elsewhere the test is
 * skipped with the reason shown. A peer is never skipped silently.
 *
 * <p>Thread-safe (stateless).
 */
public final class PeerFailures {
  private PeerFailures() {}

  /**
   * Reports that a peer cannot be used. Never returns normally; declared to return the exception so
   * that callers can write {@code throw PeerFailures.unavailable(...)}.
   *
   * @param ciMode whether the build runs in CI, where a missing peer fails the build
   * @param message a whole sentence that names the peer and the reason
   * @return never returns
   * @throws IllegalStateException in CI mode
   * @throws TestAbortedException outside CI, so that JUnit reports the test as skipped
   */
  public static IllegalStateException unavailable(boolean ciMode, String message) {
    return unavailable(ciMode, message, null);
  }

  /**
   * Same as {@link #unavailable(boolean, String)}, keeping the cause in CI mode.
   *
   * @param ciMode whether the build runs in CI, where a missing peer fails the build
   * @param message a whole sentence that names the peer and the reason
   * @param cause the underlying failure, or null
   * @return never returns
   * @throws IllegalStateException in CI mode
   * @throws TestAbortedException outside CI
   */
  public static IllegalStateException unavailable(boolean ciMode, String message, Throwable cause) {
    if (ciMode) {
      throw new IllegalStateException(message, cause);
    }
    return Assumptions.abort(
        message
            + " (skipped outside CI mode; with CI=true or -D"
            + PeerDefaults.CI_PROPERTY
            + "=true it fails)");
  }

  /**
   * Rethrows an earlier start failure of a shared peer as a fresh exception of the same kind, so
   * that each test reports it without piling suppressed exceptions onto one object.
   *
   * @param first the failure recorded when the shared peer failed to start
   * @return never returns
   */
  public static RuntimeException again(RuntimeException first) {
    if (first instanceof TestAbortedException) {
      throw new TestAbortedException(first.getMessage());
    }
    throw new IllegalStateException(first.getMessage(), first);
  }

  /**
   * Appends the last lines of a peer's log to a message, or nothing if there are none.
   *
   * @param message the message
   * @param logTail the last lines of the log, possibly empty
   * @return the message with the tail appended
   */
  public static String withLogTail(String message, String logTail) {
    if (logTail == null || logTail.isBlank()) {
      return message;
    }
    return message
        + System.lineSeparator()
        + "Last lines of its log:"
        + System.lineSeparator()
        + logTail;
  }
}
