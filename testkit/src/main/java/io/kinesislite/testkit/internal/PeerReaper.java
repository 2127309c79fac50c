package io.kinesislite.testkit.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes every peer process still running when the JVM shuts down, from one shutdown hook thread
 * named {@value #THREAD_NAME}.
 *
 * <p>Thread-safe.
 */
final class PeerReaper {
  static final String THREAD_NAME = "kinesis-lite-testkit-peer-reaper";

  private static final Set<PeerProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(PeerReaper::closeAll, THREAD_NAME));
  }

  private PeerReaper() {}

  static void register(PeerProcess process) {
    LIVE.add(process);
  }

  static void unregister(PeerProcess process) {
    LIVE.remove(process);
  }

  private static void closeAll() {
    for (PeerProcess process : List.copyOf(LIVE)) {
      try {
        process.close();
      } catch (RuntimeException e) {
        killQuietly(process);
      }
    }
  }

  private static void killQuietly(PeerProcess process) {
    try {
      process.kill();
    } catch (RuntimeException e) {
      // The JVM is exiting and no one is left to tell; keep closing the others.
    }
  }
}
