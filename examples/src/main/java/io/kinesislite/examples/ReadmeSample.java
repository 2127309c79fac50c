package io.kinesislite.examples;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.Worker;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The producer and consumer sample of the repository's README, compiled and run by the build so
 * that it cannot rot ({@code ReadmeSampleTest} checks that the README shows exactly the lines
 * between the {@code README} markers). Run it: {@code examples/run ReadmeSample}.
 */
public final class ReadmeSample {
  private ReadmeSample() {}

  public static void main(String[] args) throws Exception {
    run("orders");
  }

  static void run(String stream) throws Exception {
    CountDownLatch received = new CountDownLatch(100);
    // spotless:off (the README shows these lines as they are)
    // README start
    try (KinesisTransport kinesis = Transports.open("embedded:"); // or "aws:us-east-1"
        KinesisProducer producer = KinesisProducer.create(ProducerConfig.defaults(), kinesis);
        LeaseStore leases = EmbeddedLeaseStore.inMemory(); // or DynamoDbLeaseStore.create(...)
        Worker worker = Worker.create(
            ConsumerConfig.builder().applicationName("orders-app").streamName(stream)
                .initialPosition(InitialPosition.trimHorizon()).build(),
            kinesis, leases, shardId -> new Printer(received))) {
      kinesis.createStream(stream, 2).join();
      kinesis.awaitStreamActive(stream, Duration.ofSeconds(30)).join();
      worker.start();
      for (int i = 0; i < 100; i++) {
        ByteBuffer data = ByteBuffer.wrap(("order " + i).getBytes(StandardCharsets.UTF_8));
        producer.add(stream, "customer-" + i % 7, data) // aggregated, batched, retried
            .whenComplete((r, e) -> { if (e != null) System.err.println("lost: " + e); });
      }
      producer.flushSync();
      received.await(30, TimeUnit.SECONDS);
      worker.shutdown().join(); // processors checkpoint; leases go to other workers at once
    }
    // README end
    // spotless:on
    if (received.getCount() > 0) {
      throw new IllegalStateException(received.getCount() + " records did not arrive");
    }
  }

  static final class Printer implements RecordProcessor {
    private final CountDownLatch received;

    Printer(CountDownLatch received) {
      this.received = received;
    }

    @Override
    public void initialize(String shardId, Checkpoint start) {}

    // README start processor
    @Override
    public void processRecords(List<ConsumerRecord> records, Checkpointer cp, long behindMs) {
      for (ConsumerRecord r : records) {
        System.out.println(StandardCharsets.UTF_8.decode(r.data()) + " from " + r.partitionKey());
        received.countDown();
      }
      cp.checkpoint(); // resume after this batch, on this worker or another
    }

    // README end processor

    @Override
    public void leaseLost() {}

    @Override
    public void shardEnded(Checkpointer cp) {
      cp.checkpoint();
    }

    @Override
    public void shutdownRequested(Checkpointer cp) {
      cp.checkpoint();
    }
  }
}
