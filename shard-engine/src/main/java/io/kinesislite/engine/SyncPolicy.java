package io.kinesislite.engine;

/**
 * When the durable engine forces written records to disk, and so when a put is acknowledged. The
 * in-memory engine ignores it.
 */
public enum SyncPolicy {
  /**
   * Acknowledge a put only after an fsync covers it. Concurrent writers share one fsync (group
   * commit). Nothing acknowledged is lost, even if the machine loses power.
   */
  ALWAYS,
  /**
   * Acknowledge a put once it is written to the operating system; fsync on a fixed interval
   * (default 100 ms). A crash of the process loses nothing; a crash of the machine loses at most
   * the last interval. The default.
   */
  INTERVAL,
  /** Never fsync; the operating system writes back when it likes. The fastest. */
  NEVER
}
