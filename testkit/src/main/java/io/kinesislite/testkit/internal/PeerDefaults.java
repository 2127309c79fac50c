package io.kinesislite.testkit.internal;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

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

  /**
   * System property that turns CI mode on ({@code true}) or off ({@code false}), overriding the
   * {@code CI} environment variable; e.g. {@code -Dkinesislite.ci=true}.
   */
  public static final String CI_PROPERTY = "kinesislite.ci";

  /** Environment variable that CI services set. */
  public static final String CI_VARIABLE = "CI";

  private static final Set<String> TRUE = Set.of("true", "1", "yes");
  private static final Set<String> FALSE = Set.of("false", "0", "no");

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
   * Returns whether a peer that cannot start fails the build (CI mode) rather than skipping the
   * test: the system property {@value #CI_PROPERTY} if set and not blank, else the environment
   * variable {@value #CI_VARIABLE}. Both count {@code true}, {@code 1} and {@code yes} as on, in
   * any case and ignoring surrounding blanks.
   *
   * @return true in CI mode
   * @throws IllegalArgumentException if the system property is neither on nor {@code false}, {@code
   *     0} or {@code no}
   */
  public static boolean ciMode() {
    return ciMode(System::getProperty, System::getenv);
  }

  /**
   * {@link #ciMode()} with the lookups given, for tests.
   *
   * @param properties looks up a system property; returns null if unset
   * @param environment looks up an environment variable; returns null if unset
   * @return true in CI mode
   */
  static boolean ciMode(UnaryOperator<String> properties, UnaryOperator<String> environment) {
    String property = normalized(properties.apply(CI_PROPERTY));
    if (!property.isEmpty()) {
      if (TRUE.contains(property)) {
        return true;
      }
      if (FALSE.contains(property)) {
        return false;
      }
      throw new IllegalArgumentException(
          "System property "
              + CI_PROPERTY
              + " must be true or false, not '"
              + properties.apply(CI_PROPERTY)
              + "'.");
    }
    return TRUE.contains(normalized(environment.apply(CI_VARIABLE)));
  }

  private static String normalized(String value) {
    return value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
  }
}
