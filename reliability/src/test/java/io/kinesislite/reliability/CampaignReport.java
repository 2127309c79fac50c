package io.kinesislite.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One campaign's figures, written as a section of {@code docs/reliability.md}: what was done, for
 * how long, how many faults were injected, records written, lost and duplicated, the worst recovery
 * time, extra figures of the campaign's own, and the command that reproduces it.
 *
 * <p>Each campaign builds one report at its end and calls {@link #write()}; the file goes to the
 * directory named by {@code kinesislite.reliability.reports} ({@code target/reliability}), named
 * after the campaign's number so that {@code reliability/chaos} concatenates the sections in order.
 * A report is written in both modes, so a short run shows the same table a full one does.
 *
 * <pre>{@code
 * CampaignReport.builder(1, "Pipeline under kill")
 *     .what("SIGKILL and restart of the agent, a worker or serve at random intervals; ...")
 *     .ran(Duration.ofSeconds(25))
 *     .faults(12)
 *     .records(written, lost, duplicates)
 *     .worstRecovery(Duration.ofMillis(4_200), "longest time a shard went unprocessed")
 *     .figure("kills of serve", "3")
 *     .build()
 *     .write();
 * }</pre>
 *
 * <p>Immutable once built; the builder is not thread-safe.
 */
public final class CampaignReport {
  /** The system property naming the directory reports go to. */
  public static final String DIRECTORY_PROPERTY = "kinesislite.reliability.reports";

  private final int number;
  private final String title;
  private final String what;
  private final Duration ran;
  private final long faults;
  private final long written;
  private final long lost;
  private final long duplicates;
  private final Duration worstRecovery;
  private final String recoveryMeaning;
  private final Map<String, String> figures;
  private final List<String> notes;
  private final CampaignMode mode;

  private CampaignReport(Builder b) {
    this.number = b.number;
    this.title = b.title;
    this.what = Objects.requireNonNull(b.what, "what");
    this.ran = Objects.requireNonNull(b.ran, "ran");
    this.faults = b.faults;
    this.written = b.written;
    this.lost = b.lost;
    this.duplicates = b.duplicates;
    this.worstRecovery = b.worstRecovery;
    this.recoveryMeaning = b.recoveryMeaning;
    this.figures = Collections.unmodifiableMap(new LinkedHashMap<>(b.figures));
    this.notes = List.copyOf(b.notes);
    this.mode = b.mode;
  }

  /** Starts the report of campaign {@code number} (1 to 6, as numbered in the issue). */
  public static Builder builder(int number, String title) {
    return new Builder(number, title);
  }

  /** Records lost (written, or acknowledged, but never processed). */
  public long lost() {
    return lost;
  }

  /** The section as Markdown. */
  public String markdown() {
    StringBuilder s = new StringBuilder();
    s.append("## ").append(number).append(". ").append(title).append("\n\n");
    s.append(what).append("\n\n");
    s.append("| figure | value |\n| --- | ---: |\n");
    row(s, "mode", mode.label());
    row(s, "ran for", format(ran));
    row(s, "faults injected", String.format(Locale.ROOT, "%,d", faults));
    if (written >= 0) {
      row(s, "records written", String.format(Locale.ROOT, "%,d", written));
      row(s, "records lost", String.format(Locale.ROOT, "%,d", lost));
      row(s, "records duplicated", String.format(Locale.ROOT, "%,d", duplicates));
    }
    if (worstRecovery != null) {
      row(s, "worst recovery (" + recoveryMeaning + ")", format(worstRecovery));
    }
    figures.forEach((name, value) -> row(s, name, value));
    s.append('\n');
    for (String note : notes) {
      s.append("- ").append(note).append('\n');
    }
    if (!notes.isEmpty()) {
      s.append('\n');
    }
    s.append("Reproduce: `reliability/chaos --only ")
        .append(number)
        .append("` (full form), or `mvn -B -ntp verify -pl reliability -am -Dit.test=")
        .append(testClass())
        .append(
            " -Dfailsafe.failIfNoSpecifiedTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false` (short form).\n\n");
    return s.toString();
  }

  /**
   * Writes {@link #markdown()} to {@code NN-campaign.md} in the reports directory.
   *
   * @return the file written
   */
  public Path write() {
    Path dir = Path.of(System.getProperty(DIRECTORY_PROPERTY, "target/reliability"));
    Path file = dir.resolve(String.format(Locale.ROOT, "%02d-campaign.md", number));
    try {
      Files.createDirectories(dir);
      Files.writeString(file, markdown(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the campaign report " + file, e);
    }
    return file;
  }

  private String testClass() {
    StackTraceElement[] stack = new Throwable().getStackTrace();
    for (StackTraceElement e : stack) {
      if (e.getClassName().endsWith("CampaignIT")) {
        return e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1);
      }
    }
    return "'*CampaignIT'";
  }

  private static void row(StringBuilder s, String figure, String value) {
    s.append("| ").append(figure).append(" | ").append(value).append(" |\n");
  }

  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 10_000) {
      return String.format(Locale.ROOT, "%,d ms", ms);
    }
    long s = Math.round(ms / 1000.0);
    return s < 120
        ? String.format(Locale.ROOT, "%d s", s)
        : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
  }

  /** Builds a {@link CampaignReport}; every setter checks its value at once. */
  public static final class Builder {
    private final int number;
    private final String title;
    private String what;
    private Duration ran;
    private long faults;
    private long written = -1;
    private long lost;
    private long duplicates;
    private Duration worstRecovery;
    private String recoveryMeaning;
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private CampaignMode mode = CampaignMode.current();

    private Builder(int number, String title) {
      if (number < 1 || number > 6) {
        throw new IllegalArgumentException("number must be 1 to 6, not " + number);
      }
      this.number = number;
      this.title = Objects.requireNonNull(title, "title");
    }

    /** What the campaign did, in a sentence or two of Markdown. Required. */
    public Builder what(String what) {
      this.what = Objects.requireNonNull(what, "what");
      return this;
    }

    /** How long the campaign ran. Required. */
    public Builder ran(Duration ran) {
      if (ran.isNegative()) {
        throw new IllegalArgumentException("ran must not be negative: " + ran);
      }
      this.ran = ran;
      return this;
    }

    /** How many faults were injected in all (kills, failed calls, bad inputs, ...). */
    public Builder faults(long faults) {
      if (faults < 0) {
        throw new IllegalArgumentException("faults must be at least 0: " + faults);
      }
      this.faults = faults;
      return this;
    }

    /** Records written, lost and duplicated; leave unset where a campaign moves no records. */
    public Builder records(long written, long lost, long duplicates) {
      if (written < 0 || lost < 0 || duplicates < 0) {
        throw new IllegalArgumentException(
            "records must be at least 0: written "
                + written
                + ", lost "
                + lost
                + ", dup "
                + duplicates);
      }
      this.written = written;
      this.lost = lost;
      this.duplicates = duplicates;
      return this;
    }

    /** The worst recovery time seen, and what it measures (for example "a shard unprocessed"). */
    public Builder worstRecovery(Duration worst, String meaning) {
      this.worstRecovery = Objects.requireNonNull(worst, "worst");
      this.recoveryMeaning = Objects.requireNonNull(meaning, "meaning");
      return this;
    }

    /** A figure of the campaign's own, shown as a row of its table. */
    public Builder figure(String name, String value) {
      figures.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** A line shown under the table (a caveat, a finding). */
    public Builder note(String note) {
      notes.add(Objects.requireNonNull(note, "note"));
      return this;
    }

    /** Overrides the mode (tests of the report itself). */
    Builder mode(CampaignMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The report. */
    public CampaignReport build() {
      return new CampaignReport(this);
    }
  }
}
