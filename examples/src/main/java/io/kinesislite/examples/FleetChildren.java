package io.kinesislite.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The children as the parent sees them, from the lines they print: {@code held N SHARDS}, {@code
 * record SHARD DATA}, {@code stopped}. Thread-safe: one reader thread per child updates it, and
 * waiters wait on its condition (bounded).
 */
final class FleetChildren {
  private final PrintStream out;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Process> processes = new LinkedHashMap<>(); // guarded by lock
  private final Map<String, Path> logs = new LinkedHashMap<>();
  private final Map<String, Set<String>> held = new TreeMap<>(); // guarded by lock
  private final Set<String> alive = new TreeSet<>(); // guarded by lock
  private final Set<String> stoppedGracefully = new HashSet<>(); // guarded by lock
  private final Set<String> processed = new HashSet<>(); // guarded by lock
  private int processedTotal; // guarded by lock
  private final List<Thread> readers = new ArrayList<>();

  FleetChildren(PrintStream out) {
    this.out = out;
  }

  void start(String name, List<String> command, Path workDir) throws IOException {
    Path log = workDir.resolve(name + ".log");
    // stdin stays a pipe from this process: a child exits when it closes (when we die).
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
    lock.lock();
    try {
      processes.put(name, process);
      logs.put(name, log);
      held.put(name, Set.of());
      alive.add(name);
    } finally {
      lock.unlock();
    }
    Thread reader = new Thread(() -> read(name, process.getInputStream()), "fleet-" + name);
    reader.setDaemon(true);
    reader.start();
    readers.add(reader);
  }

  private void read(String name, InputStream stdout) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        onLine(name, line);
      }
    } catch (IOException e) {
      // the child is gone
    }
    lock.lock();
    try {
      alive.remove(name);
      held.put(name, Set.of());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void onLine(String name, String line) {
    String[] f = line.split(" ", 3);
    lock.lock();
    try {
      switch (f[0]) {
        case "held" -> {
          Set<String> shards = f.length < 3 ? Set.of() : Set.of(f[2].split(","));
          held.put(name, shards);
          out.println("  " + name + " holds " + shards.size() + " " + counts());
        }
        case "record" -> {
          processed.add(f[2]);
          processedTotal++;
        }
        case "stopped" -> {
          stoppedGracefully.add(name);
          out.println("  " + name + ": " + line);
        }
        default -> out.println("  " + name + ": " + line);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Every live child holds its share: all shards between them, floor or ceiling each. */
  boolean balanced(int shardCount) {
    if (alive.isEmpty()) {
      return false;
    }
    int floor = shardCount / alive.size();
    int ceiling = (shardCount + alive.size() - 1) / alive.size();
    int total = 0;
    for (String name : alive) {
      int n = held.get(name).size();
      if (n < floor || n > ceiling) {
        return false;
      }
      total += n;
    }
    return total == shardCount;
  }

  int processedDistinct() {
    lock.lock();
    try {
      return processed.size();
    } finally {
      lock.unlock();
    }
  }

  int processedTotal() {
    lock.lock();
    try {
      return processedTotal;
    } finally {
      lock.unlock();
    }
  }

  boolean allDead() {
    return alive.isEmpty();
  }

  List<String> names() {
    lock.lock();
    try {
      return List.copyOf(processes.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** Held shard counts of the live children. */
  Map<String, Integer> heldCounts() {
    lock.lock();
    try {
      return counts();
    } finally {
      lock.unlock();
    }
  }

  private Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (String name : alive) {
      counts.put(name, held.get(name).size());
    }
    return counts;
  }

  /**
   * Waits until {@code condition} holds (it is called with the lock held), up to {@code timeout}.
   *
   * @throws TimeoutException naming the condition and the children's logs, if it does not
   */
  void await(String what, Duration timeout, Predicate<FleetChildren> condition)
      throws InterruptedException, TimeoutException {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (!condition.test(this)) {
        if (left <= 0) {
          throw new TimeoutException(
              "timed out after "
                  + timeout.toSeconds()
                  + " s waiting until "
                  + what
                  + "; held now "
                  + counts()
                  + ", records processed "
                  + processed.size()
                  + "; logs: "
                  + logs.values());
        }
        left = changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Kills a child at once (SIGKILL: no shutdown hook, its leases stay until they expire) and waits
   * until its output is read to the end.
   */
  void kill(String name, Duration timeout) throws InterruptedException, TimeoutException {
    Process process;
    lock.lock();
    try {
      process = processes.get(name);
    } finally {
      lock.unlock();
    }
    process.destroyForcibly();
    await(name + " to exit", timeout, f -> !f.alive.contains(name));
  }

  /**
   * Stops every live child with SIGTERM and waits for them to exit; returns, per child, whether it
   * said it had stopped gracefully.
   */
  Map<String, Boolean> stopAll(Duration timeout) throws InterruptedException {
    List<Process> stopping = new ArrayList<>();
    List<String> stoppingNames = new ArrayList<>();
    lock.lock();
    try {
      for (String name : alive) {
        stopping.add(processes.get(name));
        stoppingNames.add(name);
      }
    } finally {
      lock.unlock();
    }
    // SIGTERM through the handle: Process.destroy() would also close our end of the child's
    // standard output, and we would miss what it says while it stops.
    stopping.forEach(p -> p.toHandle().destroy());
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Process p : stopping) {
      p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    for (Thread reader : readers) {
      reader.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())));
    }
    Map<String, Boolean> result = new TreeMap<>();
    lock.lock();
    try {
      for (String name : stoppingNames) {
        result.put(name, stoppedGracefully.contains(name));
      }
    } finally {
      lock.unlock();
    }
    return result;
  }

  /** Kills whatever is still running (after a failure). */
  void killAll() {
    List<Process> all;
    lock.lock();
    try {
      all = List.copyOf(processes.values());
    } finally {
      lock.unlock();
    }
    all.forEach(Process::destroyForcibly);
  }
}
