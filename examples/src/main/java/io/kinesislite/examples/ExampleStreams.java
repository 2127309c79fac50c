package io.kinesislite.examples;

import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.ResourceNotFoundException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What the examples do before they start: make sure their stream is there, and give a consumer on
 * the in-memory engine something to read. Stateless; thread-safe.
 */
final class ExampleStreams {
  private ExampleStreams() {}

  /**
   * On the embedded engine, creates the stream with {@code shards} shards if it is missing;
   * elsewhere (AWS, an endpoint) only checks that it exists: create it yourself there, e.g. {@code
   * aws kinesis create-stream --stream-name NAME --shard-count 2}. Returns false, having said why
   * on {@code err}, if the stream is not there.
   */
  static boolean prepare(
      Target target, KinesisTransport kinesis, String stream, int shards, PrintWriter err) {
    if (target.embedded()) {
      if (!kinesis.listStreams().join().contains(stream)) {
        kinesis.createStream(stream, shards).join();
      }
    } else {
      try {
        kinesis.describeStream(stream).join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof ResourceNotFoundException) {
          err.printf(
              "Stream %s does not exist in %s; create it first, e.g.:%n"
                  + "  aws kinesis create-stream --stream-name %s --shard-count %d%n",
              stream, target.selection(), stream, shards);
          return false;
        }
        throw e;
      }
    }
    kinesis.awaitStreamActive(stream, Duration.ofMinutes(2)).join();
    return true;
  }

  /** The {@code i}-th record {@link #seed} puts: one line of JSON. */
  static String seedRecord(int i) {
    return "{\"id\":" + i + ",\"message\":\"seeded record " + i + "\"}";
  }

  /**
   * Puts {@code count} records ({@link #seedRecord}) through a kpl-lite producer, each under its
   * own partition key, and waits until all are stored.
   *
   * @return how many were stored
   */
  static int seed(KinesisTransport kinesis, String stream, int count) {
    List<CompletableFuture<RecordResult>> sent = new ArrayList<>(count);
    try (KinesisProducer producer = KinesisProducer.create(ProducerConfig.defaults(), kinesis)) {
      for (int i = 0; i < count; i++) {
        ByteBuffer data = ByteBuffer.wrap(seedRecord(i).getBytes(StandardCharsets.UTF_8));
        sent.add(producer.add(stream, "seed-" + i, data));
      }
      producer.flushSync();
    }
    return (int) sent.stream().filter(f -> !f.isCompletedExceptionally()).count();
  }
}
