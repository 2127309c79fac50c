package io.kinesislite.benchmarks.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison table, as text for the terminal and as {@code docs/benchmarks.md}: the rows, the
 * machine, the command line, the fairness rules and each side's settings. Not thread-safe.
 */
public final class Report {
  static final String FAIRNESS =
      """
      - **Same endpoint, same payloads.** Both sides send to, or read from, the same kind of \
      endpoint started the same way (`serve` in memory with the throughput limits off, unless the \
      row says otherwise), with the same records.
      - **Separate processes.** Each side runs in a process of its own; CPU and memory are that \
      process's and its children's (the KPL's native producer included), read from `/proc`.
      - **Warm-up discarded.** Each side runs once before it is measured; that run is not counted.
      - **Alternating runs, medians.** The sides take turns, run by run, so that a slow spell of \
      the machine hits both; each figure is the median of the runs (5 or more in full mode, 1 in \
      short mode).
      - **Settings shown.** Each comparison's section below lists both sides' settings; defaults \
      are used unless it says otherwise.
      - **Ratio.** How many times better kinesis-lite is on that row: above 1 it is ahead, below 1 \
      behind, whichever way the metric is better.
      """;

  private final Mode mode;
  private final String commandLine;
  private final ZonedDateTime started = ZonedDateTime.now();
  private final double loadAtStart = loadAverage();
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private Duration took = Duration.ZERO;

  public Report(Mode mode, String commandLine) {
    this.mode = mode;
    this.commandLine = commandLine;
  }

  /** Adds a comparison's rows and settings. */
  public void add(Comparison comparison, List<Row> measured) {
    rows.addAll(measured);
    settings.put(comparison.name(), comparison.settings(mode));
  }

  /** Records that a comparison could not run, and why. */
  public void failed(Comparison comparison, Throwable why) {
    failures.put(comparison.name(), String.valueOf(why));
    settings.put(comparison.name(), comparison.settings(mode));
  }

  public void took(Duration duration) {
    this.took = duration;
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  public Map<String, String> failures() {
    return Map.copyOf(failures);
  }

  /** Prints the table for a terminal. */
  public void print(PrintStream out) {
    out.printf(
        "%-10s %-44s %16s %16s %-22s %8s%n", "", "metric", "kinesis-lite", "peer", "", "ratio");
    for (Row r : rows) {
      out.printf(
          "%-10s %-44s %16s %16s %-22s %8s%n",
          r.comparison(),
          r.metric() + " (" + r.unit() + ")",
          number(r.kinesisLite()),
          number(r.peer()),
          r.peerName(),
          ratio(r.ratio()));
    }
    failures.forEach((name, why) -> out.printf("%-10s FAILED: %s%n", name, why));
  }

  /** Writes {@code docs/benchmarks.md}. */
  public void write(Path file) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks: kinesis-lite side by side with the AWS tools and the emulators\n\n");
    md.append(
        "Produced by the comparison command, not written by hand; run it again to refresh.\n\n");
    md.append("```bash\n").append(commandLine).append("\n```\n\n");
    md.append("- **Run:** ")
        .append(started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .append(", mode `")
        .append(mode.name().toLowerCase(Locale.ROOT))
        .append("`, ")
        .append(took.toMinutes())
        .append(" min ")
        .append(took.toSecondsPart())
        .append(" s in all.\n");
    md.append("- **Machine:** ")
        .append(machine())
        .append(
            String.format(
                Locale.ROOT,
                "; load average %.2f at the start, %.2f at the end",
                loadAtStart,
                loadAverage()))
        .append("\n\n");
    md.append("| comparison | metric | unit | kinesis-lite | peer | peer value | ratio | note |\n");
    md.append("| --- | --- | --- | ---: | --- | ---: | ---: | --- |\n");
    for (Row r : rows) {
      md.append("| ")
          .append(r.comparison())
          .append(" | ")
          .append(r.metric())
          .append(" | ")
          .append(r.unit())
          .append(" | ")
          .append(number(r.kinesisLite()))
          .append(" | ")
          .append(r.peerName())
          .append(" | ")
          .append(number(r.peer()))
          .append(" | ")
          .append(ratio(r.ratio()))
          .append(" | ")
          .append(r.note())
          .append(" |\n");
    }
    if (!failures.isEmpty()) {
      md.append("\nComparisons that did not run:\n\n");
      failures.forEach(
          (name, why) -> md.append("- `").append(name).append("`: ").append(why).append('\n'));
    }
    md.append("\n## Fairness rules\n\n").append(FAIRNESS);
    settings.forEach(
        (name, text) ->
            md.append("\n## `")
                .append(name)
                .append("`: settings\n\n")
                .append(text.strip())
                .append('\n'));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
  }

  /** Cores, CPU model, memory, JVM and OS of this machine. */
  static String machine() {
    String cpu = "unknown CPU";
    long memKib = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memKib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the description says less.
    }
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %s memory, %s %s, %s %s",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memKib < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", memKib / 1048576.0),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        System.getProperty("os.version"));
  }

  // The one-minute load average, or -1 where the system has none.
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** Three significant digits, thousands separated; "–" for a missing value. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String ratio(double r) {
    if (Double.isNaN(r)) {
      return "–";
    }
    // Two decimals, but two significant digits below 0.1, where "0.00×" would say nothing.
    return String.format(Locale.ROOT, r >= 0.1 ? "%.2f×" : "%.2g×", r);
  }
}
