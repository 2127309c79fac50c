package io.kinesislite.testkit.internal;

import java.nio.file.Path;

/**
 * Defaults shared by the peers' options, read from system properties that Surefire and Failsafe set
 * (see the root pom) and from the {@code CI} environment variable.
 *
 * <p>Thread-safe (stateless).
 */
public final class PeerDefaults {
  /** System property naming the machine-wide cache of installed peers. */
  public static final String CACHE_PROPERTY = "kinesislite.peer.cache";

  /** System property naming the directory for peer logs. */
  public static final String LOGS_PROPERTY = "kinesislite.peer.logs";

  private PeerDefaults() {}

  /**
   * Returns {@code kinesislite.peer.cache}, else {@code ~/.cache/kinesis-lite/peers}.
   *
   * @return the cache directory
   */
  public static Path cacheDir() {
    String configured = System.getProperty(CACHE_PROPERTY);
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "kinesis-lite", "peers");
  }

  /**
   * Returns {@code kinesislite.peer.logs}, else {@code java.io.tmpdir}.
   *
   * @return the log directory
   */
  public static Path logDir() {
    String configured = System.getProperty(LOGS_PROPERTY);
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * Returns whether the environment variable {@code CI} is {@code true}.
   *
   * @return true in CI
   */
  public static boolean ciMode() {
    return "true".equals(System.getenv("CI"));
  }
}
