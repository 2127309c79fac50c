package io.kinesislite.cli;

import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.KinesisTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinesis-lite put}: each line of stdin (or of the files named) becomes one record, sent
 * through kpl-lite with aggregation on unless asked otherwise. Prints a progress line to stderr
 * with {@code --progress} and a one-line summary at the end; exits 1 if any record failed.
 */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description =
        "Puts lines (stdin or files) into a stream, one record per line, through kpl-lite.",
    footer = {
      "",
      "Examples:",
      "  seq 1 1000 | kinesis-lite put orders",
      "  kinesis-lite put orders access.log --key-from-line --progress",
      "  kinesis-lite put orders --partition-key tenant-7 --no-aggregation < events.jsonl"
    })
public final class PutCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin TransportOptions transport;

  @Parameters(index = "0", paramLabel = "STREAM")
  String stream;

  @Parameters(index = "1..*", paramLabel = "FILE", description = "Files to read (default: stdin).")
  List<Path> files = new ArrayList<>();

  @Option(names = "--no-aggregation", description = "Send each line as its own Kinesis record.")
  boolean noAggregation;

  @Option(names = "--partition-key", description = "One partition key for every record.")
  String partitionKey;

  @Option(
      names = "--key-from-line",
      description = "Partition key: the line itself, hashed (default: a random key per record).")
  boolean keyFromLine;

  @Option(names = "--progress", description = "Print a progress line to stderr every second.")
  boolean progress;

  private final AtomicLong read = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile String firstError;

  @Override
  public Integer call() throws IOException {
    if (partitionKey != null && keyFromLine) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--partition-key and --key-from-line exclude each other");
    }
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    try (KinesisTransport kinesis = transport.open();
        KinesisProducer producer =
            KinesisProducer.create(
                ProducerConfig.builder().aggregationEnabled(!noAggregation).build(), kinesis)) {
      long lastReport = started;
      if (files.isEmpty()) {
        lastReport =
            send(
                producer,
                new InputStreamReader(System.in, StandardCharsets.UTF_8),
                lastReport,
                err);
      } else {
        for (Path file : files) {
          lastReport =
              send(
                  producer, Files.newBufferedReader(file, StandardCharsets.UTF_8), lastReport, err);
        }
      }
      producer.flushSync();
    }
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    err.printf(
        "put %s: %d lines, %d records acknowledged, %d failed, %.1f s (%.0f records/s)%n",
        stream,
        read.get(),
        acknowledged.get(),
        failed.get(),
        seconds,
        acknowledged.get() / seconds);
    if (firstError != null) {
      err.println("put " + stream + ": first failure: " + firstError);
    }
    err.flush();
    return failed.get() == 0 ? 0 : 1;
  }

  private long send(
      KinesisProducer producer, java.io.Reader source, long lastReport, PrintWriter err)
      throws IOException {
    try (BufferedReader lines = new BufferedReader(source)) {
      String line;
      while ((line = lines.readLine()) != null) {
        read.incrementAndGet();
        byte[] data = line.getBytes(StandardCharsets.UTF_8);
        producer
            .add(stream, key(line), ByteBuffer.wrap(data))
            .whenComplete(
                (result, error) -> {
                  if (error == null) {
                    acknowledged.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                    if (firstError == null) {
                      firstError = error.getMessage();
                    }
                  }
                });
        long now = System.nanoTime();
        if (progress && now - lastReport > 1_000_000_000L) {
          err.printf(
              "\rput %s: %d lines read, %d acknowledged, %d failed",
              stream, read.get(), acknowledged.get(), failed.get());
          err.flush();
          lastReport = now;
        }
      }
    }
    if (progress) {
      err.println();
    }
    return lastReport;
  }

  private String key(String line) {
    if (partitionKey != null) {
      return partitionKey;
    }
    if (keyFromLine) {
      return Integer.toHexString(line.hashCode()) + "-" + line.length();
    }
    return UUID.randomUUID().toString();
  }
}
