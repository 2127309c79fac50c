package io.kinesislite.examples;

import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.KplProperties;
import io.kinesislite.kpl.RecordFailedException;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Moving a KPL application to kpl-lite: its {@code default_config.properties} loads unchanged
 * through {@link KplProperties#load}, keys only the KPL's native process used come back as notes,
 * and records go out with the call the KPL uses, {@code add(stream, partitionKey, data)} in place
 * of {@code addUserRecord(stream, partitionKey, data)}, answered by a {@link CompletableFuture} in
 * place of Guava's {@code ListenableFuture}. See {@code docs/migrating-from-kpl.md}.
 *
 * <pre>
 * examples/run KplMigrationExample                        # the bundled sample file, embedded stream
 * examples/run KplMigrationExample --config /etc/myapp/kpl.properties
 * examples/run KplMigrationExample --where-the-file-says  # where its Region/KinesisEndpoint point
 * </pre>
 */
@Command(
    name = "KplMigrationExample",
    mixinStandardHelpOptions = true,
    description = "Loads a KPL properties file unchanged and sends records the way the KPL does.")
public final class KplMigrationExample implements Callable<Integer> {
  /** The sample KPL file shipped with the examples. */
  static final String SAMPLE = "migration/kpl/default_config.properties";

  @Mixin Target target = new Target();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A KPL properties file. Default: the bundled sample, " + SAMPLE + ".")
  Path config;

  @Option(
      names = "--where-the-file-says",
      description =
          "Send to where the file's Region or KinesisEndpoint points (real Kinesis for the sample)"
              + " instead of --transport.")
  boolean whereTheFileSays;

  @Option(
      names = "--stream",
      description = "The stream (created with 2 shards if missing). Default: ${DEFAULT-VALUE}.",
      defaultValue = "kpl-migration")
  String stream;

  @Option(
      names = "--records",
      description = "How many records to send. Default: ${DEFAULT-VALUE}.",
      defaultValue = "100")
  int records;

  public static void main(String[] args) {
    System.exit(new CommandLine(new KplMigrationExample()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    return run(System.out).failed() == 0 ? 0 : 1;
  }

  /**
   * What a run did: the file's notes, how many records were stored and in how many Kinesis records
   * (fewer when aggregated), and how many failed.
   */
  record Result(
      KplProperties kpl, List<String> notes, int stored, int kinesisRecords, int failed) {}

  Result run(PrintStream out) throws IOException {
    Path file = config != null ? config : BundledFiles.asFile(SAMPLE);

    // 1. The KPL file, unchanged: KinesisProducerConfiguration.fromPropertiesFile(file) becomes
    KplProperties kpl = KplProperties.load(file);
    out.println("loaded " + file);
    out.println("producer settings: " + kpl.producerConfig());
    out.println(
        "the file's Kinesis: "
            + kpl.transportConfig()
                .map(t -> t.selection().toString())
                .orElse("none (no Region, no endpoint)"));
    out.println("notes (keys kpl-lite does not apply, and why):");
    kpl.notes().forEach(n -> out.println("  - " + n));

    // 2. Where to send: --transport (embedded: by default), or where the file says.
    KinesisTransport kinesis =
        whereTheFileSays
            ? Transports.open(
                kpl.transportConfig()
                    .orElseThrow(
                        () ->
                            new CommandLine.ParameterException(
                                new CommandLine(this),
                                file + " names no Region and no KinesisEndpoint")))
            : target.open();
    try (kinesis;
        // new KinesisProducer(KinesisProducerConfiguration) becomes
        KinesisProducer producer = KinesisProducer.create(kpl.producerConfig(), kinesis)) {
      ensureStream(kinesis, out);

      // 3. The KPL's call shape. KPL:
      //   ListenableFuture<UserRecordResult> f = kpl.addUserRecord(stream, partitionKey, data);
      //   Futures.addCallback(f, new FutureCallback<>() {...}, executor);
      // kpl-lite:
      AtomicInteger failed = new AtomicInteger();
      List<CompletableFuture<RecordResult>> sent = new ArrayList<>(records);
      for (int i = 0; i < records; i++) {
        ByteBuffer data = ByteBuffer.wrap(("order " + i).getBytes(StandardCharsets.UTF_8));
        CompletableFuture<RecordResult> f = producer.add(stream, "customer-" + (i % 10), data);
        f.whenComplete(
            (result, error) -> {
              if (error != null) {
                // UserRecordFailedException.getResult().getAttempts() becomes
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                if (cause instanceof RecordFailedException rfe) {
                  System.err.println("failed after " + rfe.attempts().size() + " attempts: " + rfe);
                }
                failed.incrementAndGet();
              }
            });
        sent.add(f);
      }
      // kpl.flushSync() is the same call
      producer.flushSync();

      Set<String> kinesisRecords = new HashSet<>();
      int stored = 0;
      for (CompletableFuture<RecordResult> f : sent) {
        RecordResult r = f.exceptionally(e -> null).join();
        if (r != null) {
          stored++;
          // getSequenceNumber()/getShardId() become sequenceNumber()/shardId(); kpl-lite also
          // returns the sub-sequence number inside the aggregate, which the KPL does not.
          kinesisRecords.add(r.shardId() + "/" + r.sequenceNumber());
        }
      }
      out.println(
          stored
              + " records stored in "
              + kinesisRecords.size()
              + " Kinesis records (aggregated: "
              + kpl.producerConfig().aggregationEnabled()
              + "), "
              + failed.get()
              + " failed");
      return new Result(kpl, kpl.notes(), stored, kinesisRecords.size(), failed.get());
    }
  }

  private void ensureStream(KinesisTransport kinesis, PrintStream out) {
    try {
      kinesis.describeStream(stream).join();
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (!(cause instanceof ResourceNotFoundException)) {
        throw e;
      }
      kinesis.createStream(stream, 2).join();
      out.println("created the stream " + stream + " with 2 shards");
    }
    kinesis.awaitStreamActive(stream, Duration.ofMinutes(2)).join();
  }
}
