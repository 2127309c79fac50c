package io.kinesislite.testkit;

import io.kinesislite.testkit.internal.PeerProcess;
import java.nio.file.Path;

/**
 * A real peer process the testkit started on 127.0.0.1, such as {@link KinesisMock} or {@link
 * DynamoDbLocal}, with the controls tests use to break it on purpose.
 *
 * <pre>{@code
 * try (KinesisMock mock = KinesisMock.start()) {
 *   mock.pause();  // calls now time out
 *   mock.kill();   // connections now fail
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public abstract class TestPeer implements AutoCloseable {
  private final PeerProcess process;

  // Package-private: only the testkit's own peers are peers.
  TestPeer(PeerProcess process) {
    this.process = process;
  }

  PeerProcess process() {
    return process;
  }

  /**
   * Freezes the peer with SIGSTOP: the kernel still accepts connections but nothing is answered, so
   * client calls time out. Undo with {@link #resume()}; {@link #close()} resumes too.
   *
   * @throws IllegalStateException if the peer is not running
   */
  public final void pause() {
    process.pause();
  }

  /** Continues a peer frozen by {@link #pause()} with SIGCONT. Does nothing if not paused. */
  public final void resume() {
    process.resume();
  }

  /** Kills the peer with SIGKILL, as a crash would, and waits until it is gone. */
  public final void kill() {
    process.kill();
  }

  /** Returns whether the peer's process is running (a paused one is running). */
  public final boolean isAlive() {
    return process.isAlive();
  }

  /** Returns the peer's process id. */
  public final long pid() {
    return process.pid();
  }

  /** Returns the file that receives the peer's stdout and stderr. */
  public final Path logFile() {
    return process.logFile();
  }

  /**
   * Returns the last lines of {@link #logFile()}.
   *
   * @param lines how many lines; not negative
   */
  public final String logTail(int lines) {
    return process.logTail(lines);
  }

  /**
   * Stops the peer: SIGCONT if paused, SIGTERM, up to 10 s for it to exit, then SIGKILL; deletes
   * its private working directory. Idempotent. A JVM shutdown hook does the same for peers never
   * closed; see each peer for what happens when the JVM is killed instead.
   */
  @Override
  public final void close() {
    process.close();
  }
}
