package io.kinesislite.examples;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.LeaseLostException;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.KinesisTransport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A Firehose-style delivery consumer on kcl-lite: batches each shard's records, one per line, into
 * gzip files under {@code --output}, as Firehose names them: {@code
 * yyyy/MM/dd/HH/<stream>-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz} (UTC, the time of the file's first
 * record). A file is closed when it holds {@code --max-file-bytes} (uncompressed) or its first
 * record is {@code --max-file-age} old, also when the shard is idle.
 *
 * <p>Nothing is lost: a file is written to a hidden {@code .tmp}, fsync'd, renamed and its
 * directory fsync'd, and only then is the shard checkpointed after its last record. A crash before
 * the checkpoint delivers those records again (at least once, as Firehose). A graceful shutdown
 * (SIGTERM, {@code --duration}) and a shard's end write what is buffered and checkpoint. When the
 * lease is lost the buffer is dropped and nothing checkpointed: the next owner starts at our last
 * checkpoint and writes those records itself, so writing them here too would only duplicate them.
 * {@code .tmp} files a crash left behind are incomplete and never renamed; delete them.
 *
 * <p>Directory only: copy the closed {@code .gz} files to S3 with your tool of choice (the AWS
 * SDK's S3 module is not in this build). On the embedded engine it first seeds its stream with
 * {@code --seed} records (default 1000 there, 0 elsewhere).
 *
 * <p>Run it (build once: {@code mvn -B -ntp -q -pl examples -am package -DskipTests}):
 *
 * <pre>
 * examples/run DeliveryExample --output /tmp/delivery --max-file-age 5s --duration 10s
 * examples/run DeliveryExample --aws us-east-1 --stream my-stream --output /data/my-stream
 * </pre>
 */
@Command(
    name = "DeliveryExample",
    mixinStandardHelpOptions = true,
    description = "Delivers a stream into gzip files, checkpointing only what is on disk.")
public final class DeliveryExample implements Callable<Integer> {
  private static final DateTimeFormatter FOLDER =
      DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);

  @Mixin Target target;
  @Spec CommandSpec spec;

  @Option(names = "--stream", description = "Default: ${DEFAULT-VALUE}.")
  String stream = "kinesis-lite-example";

  @Option(names = "--application", description = "Also the lease table. Default: ${DEFAULT-VALUE}.")
  String application = "kinesis-lite-example-delivery";

  @Option(names = "--output", description = "Directory of the files. Default: ${DEFAULT-VALUE}.")
  Path output = Path.of("delivery");

  @Option(names = "--max-file-bytes", description = "Uncompressed. Default: ${DEFAULT-VALUE}.")
  long maxFileBytes = 5L << 20;

  @Option(names = "--max-file-age", converter = DurationConverter.class, description = "60s.")
  Duration maxFileAge = Duration.ofSeconds(60);

  @Option(names = "--duration", converter = DurationConverter.class, description = "Stop after.")
  Duration duration;

  @Option(names = "--seed", description = "Records to put first. Default: 1000 embedded, else 0.")
  Integer seed;

  @Option(names = "--shards", description = "Shards of a stream created here. Default: 2.")
  int shards = 2;

  @Option(names = "--worker-id", description = "Stable across restarts: resumes leases at once.")
  String workerId;

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final Set<FileBatcher> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong written = new AtomicLong();

  public static void main(String[] args) {
    System.exit(new CommandLine(new DeliveryExample()).execute(args));
  }

  /** Stops the example as {@code --duration} running out does; for embedding it, and tests. */
  public void requestStop() {
    stopRequested.countDown();
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    int seedCount = seed != null ? seed : target.embedded() ? 1000 : 0;
    try (KinesisTransport kinesis = target.open();
        LeaseStore leases = target.leases(application)) {
      if (!ExampleStreams.prepare(target, kinesis, stream, shards, spec.commandLine().getErr())) {
        return 2;
      }
      if (seedCount > 0) {
        out.printf(
            "seeded %s with %d records%n", stream, ExampleStreams.seed(kinesis, stream, seedCount));
      }
      ConsumerConfig.Builder config =
          ConsumerConfig.builder()
              .applicationName(application)
              .streamName(stream)
              .initialPosition(InitialPosition.trimHorizon());
      if (workerId != null) {
        config.workerId(workerId);
      }
      CountDownLatch finished = new CountDownLatch(1);
      // Closes files by age on idle shards too, when no processRecords call would.
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
      long tick = Math.max(10, Math.min(1000, maxFileAge.toMillis() / 4));
      ticker.scheduleWithFixedDelay(
          () -> open.forEach(FileBatcher::closeIfOld), tick, tick, MILLISECONDS);
      try (Worker worker = Worker.create(config.build(), kinesis, leases, s -> new FileBatcher())) {
        Thread hook = new Thread(() -> onSigterm(worker, finished));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
          worker.start();
          out.printf("worker %s delivering %s to %s%n", worker.workerId(), stream, output);
          stopRequested.await(
              duration == null ? Long.MAX_VALUE : duration.toMillis(), MILLISECONDS);
          worker.shutdown().join(); // processors write what they hold and checkpoint
        } finally {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running
          }
        }
      } finally {
        ticker.shutdownNow();
        out.printf("wrote %d records in %d files under %s%n", written.get(), files.get(), output);
        out.flush();
        finished.countDown();
      }
    }
    return 0;
  }

  /** SIGTERM: a graceful shutdown, then wait until the main thread has printed the counts. */
  private void onSigterm(Worker worker, CountDownLatch finished) {
    worker.shutdown().join();
    requestStop();
    try {
      finished.await(60_000, MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One per shard lease: its records buffered for the next file. */
  private final class FileBatcher implements RecordProcessor {
    private final List<byte[]> lines = new ArrayList<>();
    private long bytes;
    private Instant firstAt;
    private long firstNanos;
    private Checkpoint last; // the last record buffered (or written)
    private Checkpointer checkpointer;
    private boolean done;

    @Override
    public synchronized void initialize(String shardId, Checkpoint start) {
      open.add(this);
    }

    @Override
    public synchronized void processRecords(
        List<ConsumerRecord> records, Checkpointer cp, long ms) {
      checkpointer = cp;
      for (ConsumerRecord r : records) {
        if (last != null && r.checkpoint().compareTo(last) <= 0) {
          continue; // already buffered: the worker gives a batch again after we threw
        }
        if (lines.isEmpty()) {
          firstAt = Instant.now();
          firstNanos = System.nanoTime();
        }
        byte[] data = r.dataBytes();
        lines.add(data);
        bytes += data.length + 1;
        last = r.checkpoint();
        if (bytes >= maxFileBytes) {
          deliver();
        }
      }
      if (bytes >= maxFileBytes || old()) {
        deliver();
      }
    }

    synchronized void closeIfOld() {
      try {
        if (!done && old()) {
          deliver();
        }
      } catch (LeaseLostException e) {
        leaseLost(); // the next owner writes those records again
      } catch (RuntimeException e) {
        spec.commandLine().getErr().println("writing a file failed; trying again: " + e);
      }
    }

    private boolean old() {
      return !lines.isEmpty() && System.nanoTime() - firstNanos >= maxFileAge.toNanos();
    }

    /** The file first, then the checkpoint: a crash in between delivers again, never loses. */
    private void deliver() {
      if (!lines.isEmpty()) {
        writeFile(); // throws, keeping the buffer, if the file could not be written
        written.addAndGet(lines.size());
        files.incrementAndGet();
        lines.clear();
        bytes = 0;
        checkpointer.checkpoint(last);
      }
    }

    private void writeFile() {
      Path dir = output.resolve(FOLDER.format(firstAt));
      String name = stream + "-" + STAMP.format(firstAt) + "-" + UUID.randomUUID() + ".gz";
      Path tmp = dir.resolve("." + name + ".tmp");
      try {
        if (!Files.isDirectory(dir)) {
          Files.createDirectories(dir); // a new hour folder: make its name durable too
          for (Path d = dir.getParent(); d != null && d.startsWith(output); d = d.getParent()) {
            fsync(d);
          }
        }
        try (FileChannel file = FileChannel.open(tmp, CREATE_NEW, WRITE);
            GZIPOutputStream gzip = new GZIPOutputStream(Channels.newOutputStream(file), 1 << 16)) {
          for (byte[] line : lines) {
            gzip.write(line);
            if (line.length == 0 || line[line.length - 1] != '\n') {
              gzip.write('\n'); // one record a line (log-agent records end with one already)
            }
          }
          gzip.finish();
          file.force(true); // the data is on disk ...
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        fsync(dir); // ... and so is its name
      } catch (IOException e) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a .tmp file is never delivered anyway
        }
        throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
      }
    }

    private void fsync(Path directory) throws IOException {
      try (FileChannel d = FileChannel.open(directory, READ)) {
        d.force(true); // works on Linux and macOS; Windows cannot open a directory
      }
    }

    @Override
    public synchronized void leaseLost() {
      done = true; // no checkpoint: it would fail; the next owner starts at our last one
      lines.clear();
      open.remove(this);
    }

    @Override
    public synchronized void shardEnded(Checkpointer cp) {
      checkpointer = cp;
      deliver();
      cp.checkpoint(); // SHARD_END: the child shards start after it
      done = true;
      open.remove(this);
    }

    @Override
    public synchronized void shutdownRequested(Checkpointer cp) {
      checkpointer = cp;
      done = true;
      open.remove(this);
      deliver();
    }
  }
}
