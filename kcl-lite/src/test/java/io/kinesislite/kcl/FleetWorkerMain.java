package io.kinesislite.kcl;

import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.locks.LockSupport;

/**
 * One kcl-lite worker in a JVM of its own, for {@link WorkerProcessFleetIT}: it consumes a stream
 * on kinesis-mock with its leases in DynamoDB Local, and its record processors append one {@link
 * Line} per record to the output file, written and flushed per batch before the batch is
 * checkpointed. It runs until it is killed, or until its standard input closes (so that a test JVM
 * that dies takes its children along).
 *
 * <p>Arguments: kinesis endpoint, DynamoDB endpoint, lease table, stream, worker id, output file,
 * failover time in ms, take interval in ms, and how long each batch takes between being written out
 * and being checkpointed, in ms (the processing work a real processor does there; it widens the
 * window in which a kill leaves written records unchecked).
 */
public final class FleetWorkerMain {
  private FleetWorkerMain() {}

  /** One processed record as the output file holds it: "shardId seq subSeq partitionKey value". */
  record Line(
      String shardId, String sequenceNumber, long subSequenceNumber, String key, int value) {
    static Line parse(String text) {
      String[] f = text.split(" ");
      if (f.length != 5) {
        throw new IllegalArgumentException("not an output line: '" + text + "'");
      }
      return new Line(f[0], f[1], Long.parseLong(f[2]), f[3], valueOf(f[4]));
    }

    /** The number i of a record whose data is "key:i". */
    static int valueOf(String data) {
      return Integer.parseInt(data.substring(data.indexOf(':') + 1));
    }

    Checkpoint position() {
      return Checkpoint.at(sequenceNumber, subSequenceNumber);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 9) {
      System.err.println(
          "usage: FleetWorkerMain <kinesis endpoint> <dynamodb endpoint> <table> <stream>"
              + " <worker id> <output file> <failover ms> <take interval ms> <processing ms>");
      System.exit(2);
    }
    exitWhenStdinCloses();
    String kinesisEndpoint = args[0];
    URI dynamoEndpoint = URI.create(args[1]);
    String table = args[2];
    String stream = args[3];
    String workerId = args[4];
    Path output = Path.of(args[5]);
    Duration failover = Duration.ofMillis(Long.parseLong(args[6]));
    Duration takeInterval = Duration.ofMillis(Long.parseLong(args[7]));
    Duration processing = Duration.ofMillis(Long.parseLong(args[8]));

    // Nothing is closed: the process ends by SIGKILL or by halt.
    KinesisTransport kinesis =
        Transports.open(TransportConfig.builder().selection(kinesisEndpoint).build());
    LeaseStore leases =
        DynamoDbLeaseStore.create(
            LeaseStoreConfig.builder()
                .tableName(table)
                .endpoint(dynamoEndpoint)
                .credentials(CredentialsSource.staticKeys("local", "local"))
                .callTimeout(Duration.ofSeconds(2))
                .build());
    OutputStream out =
        Files.newOutputStream(
            output, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    Worker worker =
        Worker.create(
            ConsumerConfig.builder()
                .applicationName(table)
                .streamName(stream)
                .workerId(workerId)
                .initialPosition(InitialPosition.trimHorizon())
                .failoverTime(failover)
                .takeInterval(takeInterval)
                .idleWait(Duration.ofMillis(100))
                .processorRetryBackoff(Duration.ofMillis(100))
                .shutdownTimeout(Duration.ofSeconds(2))
                .build(),
            kinesis,
            leases,
            shardId -> new AppendingProcessor(out, processing));
    worker.start();
    System.out.println("worker " + workerId + " started");
    System.out.flush();
    new CountDownLatch(1).await(); // the worker's threads are daemons: keep the JVM up
  }

  /** Exits the JVM at once when standard input reaches its end (the parent closed it or died). */
  private static void exitWhenStdinCloses() {
    Thread watcher =
        new Thread(
            () -> {
              InputStream in = System.in;
              byte[] buffer = new byte[256];
              try {
                while (in.read(buffer) >= 0) {
                  // discard
                }
              } catch (IOException e) {
                // closed under us: the same as its end
              }
              System.err.println("standard input closed; exiting");
              Runtime.getRuntime().halt(0);
            },
            "stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Appends each batch to the shared output file, flushes it, works on it, then checkpoints. */
  private static final class AppendingProcessor implements RecordProcessor {
    private final OutputStream out;
    private final Duration processing;
    private String shardId;

    AppendingProcessor(OutputStream out, Duration processing) {
      this.out = out;
      this.processing = processing;
    }

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      this.shardId = shardId;
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      StringBuilder lines = new StringBuilder();
      for (ConsumerRecord r : records) {
        lines
            .append(shardId)
            .append(' ')
            .append(r.sequenceNumber())
            .append(' ')
            .append(r.subSequenceNumber())
            .append(' ')
            .append(r.partitionKey())
            .append(' ')
            .append(StandardCharsets.UTF_8.decode(r.data()))
            .append('\n');
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
      LockSupport.parkNanos(processing.toNanos()); // the batch's work, after its output
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
