package io.kinesislite.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and peak resident memory of a process and every process it starts (the KPL's native
 * child, say), read from {@code /proc} every 100 ms until {@link #stop()}. CPU is the sum over the
 * processes of their last {@code utime + stime} seen; memory is the sum of their peaks ({@code
 * VmHWM}), an upper bound of what they held at once. Linux only. Thread-safe; one sampling thread,
 * {@code compare-process-meter}, until {@link #stop()}.
 */
public final class ProcessMeter {
  /** USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on Linux for decades. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final ProcessHandle root;
  private final Map<Long, Long> cpuTicks = new HashMap<>(); // guarded by this
  private final Map<Long, Long> peakKib = new HashMap<>(); // guarded by this
  private final ScheduledExecutorService sampler;

  private ProcessMeter(ProcessHandle root) {
    this.root = root;
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "compare-process-meter");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
  }

  /** Starts measuring {@code process} and its descendants. */
  public static ProcessMeter of(Process process) {
    return new ProcessMeter(process.toHandle());
  }

  /** Starts measuring this JVM (and what it starts), for sides that run in-process. */
  public static ProcessMeter ofThisProcess() {
    return new ProcessMeter(ProcessHandle.current());
  }

  /** Takes a last sample and stops sampling. Call it before the process exits. */
  public void stop() {
    sampler.shutdownNow();
    sample();
  }

  /** CPU seconds of the process tree so far (as of the last sample). */
  public synchronized double cpuSeconds() {
    return cpuTicks.values().stream().mapToLong(Long::longValue).sum() / TICKS_PER_SECOND;
  }

  /** The sum of the processes' peak resident memory, in bytes (as of the last sample). */
  public synchronized long peakResidentBytes() {
    return peakKib.values().stream().mapToLong(Long::longValue).sum() * 1024;
  }

  private void sample() {
    sampleOne(root.pid());
    root.descendants().forEach(p -> sampleOne(p.pid()));
  }

  private void sampleOne(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      long hwm = -1;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      synchronized (this) {
        cpuTicks.merge(pid, ticks, Math::max);
        if (hwm >= 0) {
          peakKib.merge(pid, hwm, Math::max);
        }
      }
    } catch (NoSuchFileException e) {
      // The process ended between listing and reading: its last sample stands.
    } catch (IOException | RuntimeException e) {
      // A process that is exiting can leave a partial file; the next sample reads it again.
    }
  }
}
