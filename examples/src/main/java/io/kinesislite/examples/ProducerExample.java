package io.kinesislite.examples;

import io.kinesislite.kpl.BufferFullException;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordFailedException;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.KinesisTransport;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A kpl-lite producer application: sends {@code --records} records to a stream through the
 * aggregating {@link KinesisProducer} and exits 0 only if every one of them was stored.
 *
 * <p>It shows:
 *
 * <ul>
 *   <li>creating the stream when it is missing (on the embedded engine; on AWS create it first);
 *   <li>hearing about each record with futures ({@code thenAccept} / {@code exceptionally}), or
 *       with a callback in the KPL's {@code FutureCallback} style ({@code --style callback});
 *   <li>back-pressure: {@code add} blocks while {@code MaxOutstandingRecords} or {@code
 *       MaxOutstandingBytes} is reached, for up to {@code BufferFullWait}, then throws {@link
 *       BufferFullException}. Retry it (records you must not lose: the default) or drop the record
 *       and count it (best-effort data), with {@code --on-buffer-full retry|drop};
 *   <li>an optional rate ({@code --rate} records per second), then {@code flushSync()} and {@code
 *       close()}, and the counts.
 * </ul>
 *
 * <p>Exit code: 0 if every record was stored, 1 if any failed or was dropped, 2 if the stream is
 * missing (off the embedded engine).
 *
 * <p>Run it (build once: {@code mvn -B -ntp -q -pl examples -am package -DskipTests}):
 *
 * <pre>
 * examples/run ProducerExample                                   # embedded engine, in memory
 * examples/run ProducerExample --records 100000 --rate 5000
 * examples/run ProducerExample --aws us-east-1 --stream my-stream   # the stream must exist
 * </pre>
 */
@Command(
    name = "ProducerExample",
    mixinStandardHelpOptions = true,
    description = "Sends records to a stream with kpl-lite; exit 0 only if all were stored.")
public final class ProducerExample implements Callable<Integer> {
  enum Style {
    futures,
    callback
  }

  enum OnBufferFull {
    retry,
    drop
  }

  @Mixin Target target;
  @Spec CommandSpec spec;

  @Option(names = "--stream", description = "Default: ${DEFAULT-VALUE}.")
  String stream = "kinesis-lite-example";

  @Option(names = "--records", description = "How many to send. Default: ${DEFAULT-VALUE}.")
  int records = 10_000;

  @Option(names = "--rate", description = "Records per second; 0: as fast as possible (default).")
  int rate;

  @Option(names = "--record-bytes", description = "Size of each record. Default: ${DEFAULT-VALUE}.")
  int recordBytes = 100;

  @Option(names = "--shards", description = "Shards of a stream created here. Default: 2.")
  int shards = 2;

  @Option(names = "--style", description = "futures or callback. Default: ${DEFAULT-VALUE}.")
  Style style = Style.futures;

  @Option(
      names = "--max-outstanding-records",
      description = "MaxOutstandingRecords: add waits above it. Default: ${DEFAULT-VALUE}.")
  long maxOutstandingRecords = 100_000;

  @Option(
      names = "--buffer-full-wait",
      converter = DurationConverter.class,
      description = "BufferFullWait: how long add waits for room. Default: 1s.")
  Duration bufferFullWait = Duration.ofSeconds(1);

  @Option(
      names = "--on-buffer-full",
      description = "retry (wait for room, lose nothing) or drop (count it). Default: retry.")
  OnBufferFull onBufferFull = OnBufferFull.retry;

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong bufferFull = new AtomicLong();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ProducerExample()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ProducerConfig config =
        ProducerConfig.builder()
            .maxOutstandingRecords(maxOutstandingRecords)
            .bufferFullWait(bufferFullWait)
            .recordTtl(Duration.ofSeconds(30)) // give up on a record after 30 s of retries
            .build();
    CountDownLatch completed = new CountDownLatch(records); // one count per record, any outcome
    long start = System.nanoTime();
    try (KinesisTransport kinesis = target.open();
        KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
      if (!ExampleStreams.prepare(target, kinesis, stream, shards, spec.commandLine().getErr())) {
        return 2;
      }
      start = System.nanoTime();
      for (int i = 0; i < records; i++) {
        if (rate > 0) { // pace: record i is due i/rate seconds after the start
          long wait = start + i * 1_000_000_000L / rate - System.nanoTime();
          TimeUnit.NANOSECONDS.sleep(Math.max(0, wait));
        }
        CompletableFuture<RecordResult> future = addWithBackPressure(producer, "key-" + i, i);
        if (future == null) { // dropped: the buffer stayed full
          completed.countDown();
        } else if (style == Style.futures) {
          future
              .thenAccept(result -> sent.incrementAndGet())
              .exceptionally(error -> failed(out, error))
              .thenRun(completed::countDown);
        } else { // callback style (the KPL's FutureCallback): one method hears both outcomes
          future.whenComplete(
              (result, error) -> {
                if (error == null) {
                  stored(out, result);
                } else {
                  failed(out, error);
                }
                completed.countDown();
              });
        }
      }
      producer.flushSync(); // sends what is buffered; returns when every future has completed
      completed.await(1, TimeUnit.MINUTES); // and every callback has run
    } // close(): stops the producer's threads (the transport closes after it)
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    out.printf(
        "sent %d, failed %d, dropped %d of %d records to %s in %d ms (buffer full %d times)%n",
        sent.get(), failed.get(), dropped.get(), records, stream, millis, bufferFull.get());
    return sent.get() == records ? 0 : 1;
  }

  /**
   * Adds record {@code i}. {@code add} itself waits (up to BufferFullWait) while the producer holds
   * as much as it may; when it gives up with BufferFullException the records are not draining
   * (throttling, an outage): retry after a pause, or drop and count. Returns null when dropped.
   */
  private CompletableFuture<RecordResult> addWithBackPressure(
      KinesisProducer producer, String partitionKey, int i) throws InterruptedException {
    while (true) {
      try {
        return producer.add(stream, partitionKey, record(i));
      } catch (BufferFullException e) {
        bufferFull.incrementAndGet();
        if (onBufferFull == OnBufferFull.drop) {
          dropped.incrementAndGet();
          return null;
        }
        producer.flush(); // send what is buffered now rather than at its deadline ...
        TimeUnit.MILLISECONDS.sleep(10); // ... and give the sender a moment before trying again
      }
    }
  }

  private ByteBuffer record(int i) {
    StringBuilder json = new StringBuilder("{\"id\":").append(i).append(",\"padding\":\"");
    while (json.length() < recordBytes - 2) {
      json.append('x');
    }
    return ByteBuffer.wrap(json.append("\"}").toString().getBytes(StandardCharsets.UTF_8));
  }

  private void stored(PrintWriter out, RecordResult result) {
    if (sent.incrementAndGet() == 1) {
      out.printf("first record stored in %s at %s%n", result.shardId(), result.sequenceNumber());
    }
  }

  private Void failed(PrintWriter out, Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (failed.incrementAndGet() <= 5) { // say why for the first few
      String attempts =
          cause instanceof RecordFailedException f ? f.attempts().size() + " attempts" : "";
      out.printf("record failed (%s): %s%n", attempts, cause);
    }
    return null;
  }
}
