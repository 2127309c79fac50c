package io.kinesislite.reliability;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.DynamoDbLeaseStore;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.LeaseStoreConfig;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A child process of the pipeline campaign: one kcl-lite worker in a JVM of its own, reading a
 * stream from {@code serve} with its leases in DynamoDB Local. Its record processors append one
 * {@link ProcessedRecord} line per record to the output file, written and flushed per batch before
 * the batch is checkpointed, so a record checkpointed is always in the file. It prints {@code
 * worker <id> started} and runs until it is killed or its standard input closes.
 *
 * <p>Arguments: kinesis endpoint, DynamoDB endpoint, lease table, stream, worker id, output file,
 * failover time in ms, take interval in ms.
 *
 * <p>The worker runs one processor per shard on its own threads; they share the output stream and
 * write each batch under its lock, so that batches never interleave.
 */
public final class ConsumerWorkerMain {
  private ConsumerWorkerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println(
          "usage: ConsumerWorkerMain <kinesis endpoint> <dynamodb endpoint> <table> <stream>"
              + " <worker id> <output file> <failover ms> <take interval ms>");
      System.exit(2);
    }
    StdinWatch.exitWhenClosed();
    String workerId = args[4];
    // Nothing is closed: the process ends by SIGKILL or by halt.
    KinesisTransport kinesis =
        Transports.open(
            TransportConfig.builder()
                .selection(args[0])
                // A killed serve resets its connections, so calls fail at once; the call timeout
                // is only for the first calls of a cold JVM on a loaded machine.
                .callTimeout(Duration.ofSeconds(15))
                .connectTimeout(Duration.ofMillis(500))
                .maxAttempts(2)
                .build());
    LeaseStore leases =
        DynamoDbLeaseStore.create(
            LeaseStoreConfig.builder()
                .tableName(args[2])
                .endpoint(URI.create(args[1]))
                .credentials(CredentialsSource.staticKeys("local", "local"))
                .callTimeout(Duration.ofSeconds(2))
                .build());
    OutputStream out =
        Files.newOutputStream(
            Path.of(args[5]),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    Worker worker =
        Worker.create(
            ConsumerConfig.builder()
                .applicationName(args[2])
                .streamName(args[3])
                .workerId(workerId)
                .initialPosition(InitialPosition.trimHorizon())
                .failoverTime(Duration.ofMillis(Long.parseLong(args[6])))
                .takeInterval(Duration.ofMillis(Long.parseLong(args[7])))
                .idleWait(Duration.ofMillis(100))
                .processorRetryBackoff(Duration.ofMillis(100))
                .shutdownTimeout(Duration.ofSeconds(2))
                // A cold JVM's first lease-store call can outlast the 2 s call timeout under load.
                .startTimeout(Duration.ofMinutes(1))
                .build(),
            kinesis,
            leases,
            shardId -> new AppendingProcessor(out, workerId));
    worker.start();
    System.out.println("worker " + workerId + " started");
    System.out.flush();
    new CountDownLatch(1).await(); // the worker's threads are daemons: keep the JVM up
  }

  /** Appends each batch to the worker's output file and flushes it, then checkpoints. */
  private static final class AppendingProcessor implements RecordProcessor {
    private final OutputStream out;
    private final String workerId;
    private String shardId;

    AppendingProcessor(OutputStream out, String workerId) {
      this.out = out;
      this.workerId = workerId;
    }

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      this.shardId = shardId;
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      long now = System.currentTimeMillis();
      StringBuilder lines = new StringBuilder();
      for (ConsumerRecord r : records) {
        String data = new String(r.dataBytes(), StandardCharsets.UTF_8);
        if (data.endsWith("\n")) {
          data = data.substring(0, data.length() - 1); // the agent keeps each line's newline
        }
        lines.append(
            new ProcessedRecord(
                    shardId,
                    r.sequenceNumber(),
                    r.subSequenceNumber(),
                    r.arrivalTime().toEpochMilli(),
                    now,
                    workerId,
                    data)
                .format());
        lines.append('\n');
      }
      byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
      synchronized (out) {
        try {
          out.write(bytes);
          out.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      checkpointer.checkpoint();
    }

    @Override
    public void leaseLost() {}

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      checkpointer.checkpoint();
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {
      checkpointer.checkpoint();
    }
  }
}
