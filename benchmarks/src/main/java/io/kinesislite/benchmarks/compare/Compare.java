package io.kinesislite.benchmarks.compare;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The side-by-side comparison command: runs every {@link Comparison} (or those {@code --only}
 * names), prints the table and writes it, with the machine and the settings, to {@code
 * docs/benchmarks.md}.
 *
 * <pre>
 * benchmarks/compare                  # short mode, under 10 minutes
 * benchmarks/compare --mode full      # the documented figures
 * benchmarks/compare --only producer,agent --out /tmp/b.md
 * </pre>
 *
 * <p>Options: {@code --mode smoke|short|full} (default {@code short}), {@code --only NAMES}
 * (comma-separated), {@code --out FILE} (default {@code docs/benchmarks.md} in full and short mode,
 * nothing in smoke mode; {@code -} for none), {@code --work DIR} (scratch space; default a new
 * temporary directory), {@code --peer-lib DIR} (the real KPL's and KCL's jars; default {@code
 * benchmarks/target/peer-lib}). Exits 0 if every comparison ran, 1 if one failed, 2 on bad usage.
 */
public final class Compare {
  private Compare() {}

  /** Every comparison, in the order the table lists them. */
  static List<Comparison> all() {
    return List.of(
        new ProducerComparison(), // kpl-lite against the real KPL
        new ConsumerComparison(), // kcl-lite against the real KCL
        new AgentComparison(), // log-agent against the read floor
        new EngineComparison() // serve against kinesalite and kinesis-mock
        );
  }

  public static void main(String[] args) throws Exception {
    int exit;
    try {
      exit = run(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("compare: " + e.getMessage());
      exit = 2;
    }
    System.exit(exit);
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    Mode mode = Mode.SHORT;
    Set<String> only = null;
    String outFile = null;
    Path work = null;
    Path peerLib = Path.of("benchmarks", "target", "peer-lib");
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--mode" -> mode = Mode.valueOf(required(args[i], value).toUpperCase(Locale.ROOT));
        case "--only" -> only = new TreeSet<>(Arrays.asList(required(args[i], value).split(",")));
        case "--out" -> outFile = required(args[i], value);
        case "--work" -> work = Path.of(required(args[i], value));
        case "--peer-lib" -> peerLib = Path.of(required(args[i], value));
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + "; options: --mode, --only, --out, --work, --peer-lib");
      }
      i++;
    }
    List<Comparison> chosen = new ArrayList<>();
    for (Comparison c : all()) {
      if (only == null || only.remove(c.name())) {
        chosen.add(c);
      }
    }
    if (only != null && !only.isEmpty()) {
      throw new IllegalArgumentException(
          "--only names no comparison "
              + only
              + "; there are "
              + all().stream().map(Comparison::name).toList());
    }
    if (outFile == null && mode != Mode.SMOKE) {
      outFile = "docs/benchmarks.md";
    }
    Workspace workspace =
        new Workspace(
            work != null ? work : Files.createTempDirectory("kinesis-lite-compare-"),
            Files.isDirectory(peerLib) ? Optional.of(peerLib) : Optional.empty());
    Report report = new Report(mode, String.join(" ", prepend("benchmarks/compare", args)));
    long start = System.nanoTime();
    for (Comparison c : chosen) {
      out.println("== " + c.name() + " (" + mode.name().toLowerCase(Locale.ROOT) + ")");
      try {
        report.add(c, c.run(mode, workspace));
      } catch (Exception e) {
        e.printStackTrace(out);
        report.failed(c, e);
      }
    }
    report.took(Duration.ofNanos(System.nanoTime() - start));
    out.println();
    report.print(out);
    if (outFile != null && !outFile.equals("-")) {
      report.write(Path.of(outFile));
      out.println("written to " + outFile + "; logs in " + workspace.directory());
    }
    return report.failures().isEmpty() ? 0 : 1;
  }

  private static List<String> prepend(String first, String[] rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(Arrays.asList(rest));
    return all;
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }
}
