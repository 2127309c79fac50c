package io.kinesislite.reliability;

import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts records into a stream at a steady pace on a thread of its own: every {@code pauseMillis} a
 * batch of {@code batchSize} records, each with a unique id as its data ({@code r-<n>}) and a
 * partition key of its own, so every shard gets records. It remembers the ids the stream
 * acknowledged; failed entries are counted and not retried (they were never acknowledged).
 *
 * <p>Thread: {@code reliability-producer}, stopped by {@link #close()}. Thread-safe.
 */
final class SteadyProducer implements AutoCloseable {
  private final KinesisTransport kinesis;
  private final String stream;
  private final int batchSize;
  private final long pauseMillis;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicLong failed = new AtomicLong();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private long next; // the producer thread only

  SteadyProducer(KinesisTransport kinesis, String stream, int batchSize, long pauseMillis) {
    this.kinesis = kinesis;
    this.stream = stream;
    this.batchSize = batchSize;
    this.pauseMillis = pauseMillis;
    this.thread = new Thread(this::run, "reliability-producer");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      do {
        List<String> ids = new ArrayList<>(batchSize);
        List<PutEntry> entries = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
          String id = "r-" + next++;
          ids.add(id);
          entries.add(PutEntry.of("key-" + id, id.getBytes(StandardCharsets.UTF_8)));
        }
        try {
          List<PutRecordsEntryResult> results =
              kinesis.putRecords(stream, entries).get(30, TimeUnit.SECONDS).entries();
          for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof PutResult) {
              acknowledged.add(ids.get(i));
            } else {
              failed.incrementAndGet();
            }
          }
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException
            | KinesisLiteException e) {
          failed.addAndGet(batchSize);
        }
      } while (!stop.await(pauseMillis, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The ids the stream acknowledged so far. */
  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  /** Entries the stream did not acknowledge. */
  long failed() {
    return failed.get();
  }

  /** Stops putting and waits for the batch in flight. */
  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(35_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
