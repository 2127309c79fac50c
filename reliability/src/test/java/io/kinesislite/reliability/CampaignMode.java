package io.kinesislite.reliability;

import java.time.Duration;
import java.util.Locale;

/**
 * Which form of the campaigns runs: {@link #SHORT} inside {@code mvn verify} (all six campaigns
 * under 3 minutes together), {@link #FULL} under the {@code chaos} profile ({@code
 * reliability/chaos}), whose figures go into {@code docs/reliability.md}.
 *
 * <p>The mode comes from the system property {@code kinesislite.reliability.mode} ({@code short}
 * unless set; the failsafe configuration sets it from the Maven property {@code reliability.mode}).
 * A campaign asks the mode for its sizes rather than branching on it:
 *
 * <pre>{@code
 * Duration runFor = CampaignMode.current().pick(Duration.ofSeconds(25), Duration.ofMinutes(10));
 * }</pre>
 *
 * <p>Thread-safe (an enum).
 */
public enum CampaignMode {
  /** The form {@code mvn verify} runs. */
  SHORT,
  /** The form the {@code chaos} profile runs. */
  FULL;

  /** The system property naming the mode. */
  public static final String PROPERTY = "kinesislite.reliability.mode";

  /**
   * The mode this JVM runs in.
   *
   * @throws IllegalArgumentException if the property is set to something other than short or full
   */
  public static CampaignMode current() {
    String value = System.getProperty(PROPERTY, "short").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "short", "" -> SHORT;
      case "full" -> FULL;
      default ->
          throw new IllegalArgumentException(
              PROPERTY + " must be short or full, not '" + value + "'");
    };
  }

  /** {@code shortForm} in the short mode, {@code fullForm} in the full one. */
  public <T> T pick(T shortForm, T fullForm) {
    return this == SHORT ? shortForm : fullForm;
  }

  /** {@code shortForm} in the short mode, {@code fullForm} in the full one. */
  public long pick(long shortForm, long fullForm) {
    return this == SHORT ? shortForm : fullForm;
  }

  /** {@code shortForm} in the short mode, {@code fullForm} in the full one. */
  public Duration pick(Duration shortForm, Duration fullForm) {
    return this == SHORT ? shortForm : fullForm;
  }

  /** The mode's name as the report prints it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
