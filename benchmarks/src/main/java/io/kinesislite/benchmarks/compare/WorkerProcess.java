package io.kinesislite.benchmarks.compare;

import io.kinesislite.benchmarks.compare.WorkerReport.Line;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A worker process of {@link ConsumerComparison} as its parent sees it: the process, and the {@link
 * Line}s it printed, read from its log as it grows (every 20 ms, on a daemon thread). Thread-safe.
 */
final class WorkerProcess {
  final String workerId;
  final Process process;
  final Path log;
  final Path trickle;
  final ProcessMeter meter;
  final long startedNanos = System.nanoTime();
  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private volatile boolean stopped;

  WorkerProcess(String workerId, Process process, Path log, Path trickle) {
    this.workerId = workerId;
    this.process = process;
    this.log = log;
    this.trickle = trickle;
    this.meter = ProcessMeter.of(process);
    Thread tail = new Thread(this::tail, "consumer-compare-tail-" + workerId);
    tail.setDaemon(true);
    tail.start();
  }

  private void tail() {
    long offset = 0;
    StringBuilder partial = new StringBuilder();
    byte[] buffer = new byte[1 << 16];
    while (!stopped) {
      try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
        file.seek(offset);
        int n;
        while ((n = file.read(buffer)) > 0) {
          offset += n;
          partial.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          int nl;
          while ((nl = partial.indexOf("\n")) >= 0) {
            Line line = Line.parse(partial.substring(0, nl));
            partial.delete(0, nl + 1);
            if (line != null) {
              lines.add(line);
            }
          }
        }
      } catch (IOException e) {
        // not there yet
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The last line read, or an empty one before the first. */
  Line latest() {
    int n = lines.size();
    return n == 0
        ? new Line(
            Long.MIN_VALUE,
            0,
            -1,
            -1,
            0,
            java.util.Set.of(),
            java.util.Map.of(),
            java.util.Map.of())
        : lines.get(n - 1);
  }

  /** Seconds from this object's creation (just after the launch) to the first record, or NaN. */
  double secondsToFirstRecord() {
    long first = latest().firstNanos();
    return first < 0 ? Double.NaN : (first - startedNanos) / 1e9;
  }

  /** The first line printed at or after {@code nanos} matching {@code p}, or null. */
  Line first(long nanos, Predicate<Line> p) {
    for (Line l : lines) {
      if (l.nanos() >= nanos && p.test(l)) {
        return l;
      }
    }
    return null;
  }

  /** The last line printed at or before {@code nanos}, else the first line, else null. */
  Line atOrBefore(long nanos) {
    Line found = null;
    for (Line l : lines) {
      if (l.nanos() <= nanos || found == null) {
        found = l;
      }
      if (l.nanos() > nanos) {
        break;
      }
    }
    return found;
  }

  /** Kills the process (SIGKILL) and waits for it. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Stops reading and measuring; kills the process if it still runs. */
  void stop() throws InterruptedException {
    meter.stop();
    stopped = true;
    if (process.isAlive()) {
      kill();
    }
  }

  /** The last 40 lines of the log that are not progress lines, for error messages. */
  String logTail() {
    return logTail(40);
  }

  /** The last {@code n} lines of the log that are not progress lines. */
  String logTail(int n) {
    try {
      List<String> all = new ArrayList<>();
      for (String s : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
        if (!s.startsWith(WorkerReport.PREFIX)) {
          all.add(s);
        }
      }
      return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
