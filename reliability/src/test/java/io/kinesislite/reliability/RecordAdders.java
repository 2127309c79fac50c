package io.kinesislite.reliability;

import io.kinesislite.kpl.BufferFullException;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.RecordExpiredException;
import io.kinesislite.kpl.RecordFailedException;
import io.kinesislite.kpl.RecordResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Threads that add the {@link RecordLedger}'s records to one producer as fast as it takes them, so
 * that its buffer limits are what holds them back, and book each record's outcome: refused at add
 * ({@link BufferFullException}), acknowledged, or failed with a documented error ({@link
 * RecordExpiredException} once its RecordTtl ran out) or an undocumented one, which the campaign
 * fails on. Acknowledgements are the producer's progress, marked on a {@link StallWatch}.
 *
 * <p>Threads are named {@code <name>-adder-<i>}; {@link #stop()} ends them. Thread-safe.
 */
public final class RecordAdders {
  private final String name;
  private final KinesisProducer producer;
  private final String stream;
  private final RecordLedger ledger;
  private final StallWatch progress;
  private final AttemptTally attempts;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;
  private final LongAdder blockedAdds = new LongAdder();
  private final AtomicLong longestAddNanos = new AtomicLong();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final List<String> undocumented = new CopyOnWriteArrayList<>();

  /** Adders for {@code producer}; nothing runs until {@link #start(int)}. */
  public RecordAdders(
      String name,
      KinesisProducer producer,
      String stream,
      RecordLedger ledger,
      StallWatch progress,
      AttemptTally attempts) {
    this.name = name;
    this.producer = producer;
    this.stream = stream;
    this.ledger = ledger;
    this.progress = progress;
    this.attempts = attempts;
  }

  /** Starts {@code count} adding threads. */
  public void start(int count) {
    for (int i = 0; i < count; i++) {
      Thread t = new Thread(this::run, name + "-adder-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void run() {
    while (running) {
      long id = ledger.nextToAdd();
      if (id < 0) {
        return; // the ledger is full; the campaign reports it
      }
      long started = System.nanoTime();
      CompletableFuture<RecordResult> future;
      try {
        future = producer.add(stream, RecordLedger.partitionKey(id), RecordLedger.data(id));
      } catch (BufferFullException e) {
        ledger.refused(id);
        continue; // documented: retriable, the caller may add again
      } finally {
        long took = System.nanoTime() - started;
        longestAddNanos.accumulateAndGet(took, Math::max);
        // add() returns in microseconds when there is room; this long it waited for room.
        if (took > TimeUnit.MILLISECONDS.toNanos(20)) {
          blockedAdds.increment();
        }
      }
      future.whenComplete((result, error) -> booked(id, result, error));
    }
  }

  private void booked(long id, RecordResult result, Throwable error) {
    if (error == null) {
      attempts.count(result.attempts());
      ledger.acknowledged(id);
      progress.progress();
      return;
    }
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    ledger.failed(id);
    if (e instanceof RecordFailedException f) {
      attempts.count(f.attempts());
    }
    String kind =
        e.getClass().getSimpleName()
            + (e instanceof RecordFailedException f ? " (" + f.errorCode().orElse("-") + ")" : "");
    failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    if (!(e instanceof RecordExpiredException) && undocumented.size() < 10) {
      undocumented.add(kind + ": " + e.getMessage());
    }
  }

  /** Stops adding and waits for the threads to end (an add waits at most BufferFullWait). */
  public void stop(Duration wait) throws InterruptedException {
    running = false;
    long deadline = System.nanoTime() + wait.toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        t.interrupt(); // an add interrupted fails with BufferFullException, booked as refused
        t.join(5_000);
      }
    }
  }

  /** Whether every adding thread has ended. */
  public boolean stopped() {
    return threads.stream().noneMatch(Thread::isAlive);
  }

  /** Adds that waited for room in the buffer (longer than 20 ms). */
  public long blockedAdds() {
    return blockedAdds.sum();
  }

  /** The longest any one add took. */
  public Duration longestAdd() {
    return Duration.ofNanos(longestAddNanos.get());
  }

  /** Failed futures by exception type and error code. */
  public Map<String, Long> failures() {
    Map<String, Long> out = new TreeMap<>();
    failures.forEach((k, n) -> out.put(k, n.sum()));
    return out;
  }

  /** Up to 10 failures that were not a RecordExpiredException, with their messages. */
  public List<String> undocumentedFailures() {
    return List.copyOf(undocumented);
  }
}
