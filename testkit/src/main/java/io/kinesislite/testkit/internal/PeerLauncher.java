package io.kinesislite.testkit.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a peer process, waits until it is ready, and retries when the free ports it picked were
 * taken before it could bind them. Failures follow {@link PeerFailures}.
 *
 * <p>Thread-safe (stateless).
 */
public final class PeerLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLauncher.class);
  private static final int ATTEMPTS = 3;
  private static final int TAIL_LINES = 30;

  /** A started, not yet ready peer process and the way to tell that it is ready. */
  public interface Candidate {
    /**
     * Returns the process.
     *
     * @return the process
     */
    PeerProcess process();

    /**
     * Probes readiness once; must itself be bounded in time.
     *
     * @return true once the peer serves requests
     */
    boolean isReady();
  }

  /**
   * Starts one candidate on freshly picked ports.
   *
   * @param <T> the candidate type
   */
  @FunctionalInterface
  public interface Starter<T extends Candidate> {
    /**
     * Starts the process.
     *
     * @return the started candidate
     * @throws IOException if the process cannot be started
     */
    T start() throws IOException;
  }

  private PeerLauncher() {}

  /**
   * Starts a peer and waits until it is ready.
   *
   * @param <T> the candidate type
   * @param peer the peer's name for messages, e.g. "kinesis-mock"
   * @param ciMode whether a failure fails the build (true) or skips the test
   * @param timeout how long one attempt may take to become ready
   * @param starter starts one attempt on fresh ports
   * @return the ready candidate
   */
  public static <T extends Candidate> T launch(
      String peer, boolean ciMode, Duration timeout, Starter<T> starter) {
    for (int attempt = 1; ; attempt++) {
      long started = System.nanoTime();
      T candidate;
      try {
        candidate = starter.start();
      } catch (IOException e) {
        throw PeerFailures.unavailable(ciMode, peer + " cannot start: " + e.getMessage(), e);
      }
      PeerProcess process = candidate.process();
      PeerProcess.Readiness readiness;
      try {
        readiness = process.awaitReady(candidate::isReady, timeout);
      } catch (InterruptedException e) {
        process.close();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while starting " + peer + ".", e);
      }
      if (readiness == PeerProcess.Readiness.READY) {
        LOG.info(
            "Started {} (pid {}) in {} ms; its log is {}.",
            peer,
            process.pid(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
            process.logFile());
        return candidate;
      }
      process.close();
      String tail = process.logTail(TAIL_LINES);
      if (readiness == PeerProcess.Readiness.EXITED
          && Ports.bindFailed(tail)
          && attempt < ATTEMPTS) {
        LOG.info(
            "{} could not bind its port (attempt {}); retrying on other ports.", peer, attempt);
        continue;
      }
      String reason =
          readiness == PeerProcess.Readiness.EXITED
              ? "it exited with code " + process.exitCode().orElse(-1) + " before it was ready"
              : "it was not ready within " + timeout;
      throw PeerFailures.unavailable(
          ciMode,
          PeerFailures.withLogTail(
              peer + " cannot start: " + reason + " (log: " + process.logFile() + ").", tail));
    }
  }
}
