package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.testkit.Eventually;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The KPL metrics a running producer reports (reference/kpl.md section 1.3, at the default level
 * DETAILED): after a run in which puts failed once and were retried, each has a value.
 */
class ProducerMetricsTest {
  private static final String NS = "KinesisProducerLibrary.";
  private static final int RECORDS = 20;

  private ShardEngine engine;
  private FlakyTransport kinesis;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void open() {
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = new FlakyTransport(EmbeddedTransport.over(engine));
    await(kinesis.createStream("s", 2));
  }

  @AfterEach
  void close() {
    kinesis.close();
    engine.close();
  }

  @Test
  void aRunGivesEveryKplMetricAValue() throws Exception {
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    try (KinesisProducer producer =
        KinesisProducer.create(ProducerConfig.defaults(), kinesis, registry)) {
      producer.add("s", "prime", ByteBuffer.wrap(new byte[1])); // fetches the shard map
      producer.flushSync();
      int primePuts = kinesis.puts.size();

      kinesis.down(false); // puts fail as on a dead connection, and are retried
      for (int i = 0; i < RECORDS; i++) {
        futures.add(producer.add("s", "key-" + i, ByteBuffer.wrap(new byte[100])));
      }
      Eventually.within(
          Duration.ofSeconds(10),
          "a put failed and the records wait, counted as pending",
          () -> kinesis.puts.size() > primePuts && gauge("UserRecordsPending") == RECORDS,
          () -> "pending " + gauge("UserRecordsPending"));
      kinesis.up();
      producer.flushSync();
    }
    for (CompletableFuture<RecordResult> f : futures) {
      f.get(10, TimeUnit.SECONDS);
    }

    assertThat(count("UserRecordsReceived")).isEqualTo(RECORDS + 1);
    assertThat(count("UserRecordsPut")).isEqualTo(RECORDS + 1);
    assertThat(count("UserRecordsDataPut")).isEqualTo(RECORDS * 100 + 1);
    assertThat(count("KinesisRecordsPut")).isPositive();
    assertThat(count("KinesisRecordsDataPut")).isPositive();
    assertThat(count("AllErrors")).isPositive();
    assertThat(count("ErrorsByCode")).isEqualTo(count("AllErrors"));
    assertThat(count("UserRecordExpired")).isZero();
    assertThat(total("BufferingTime")).as("time records waited in the buffer").isPositive();
    assertThat(total("RetriesPerRecord")).as("retries recorded").isPositive();
    for (String name :
        List.of(
            "BufferingTime",
            "RetriesPerRecord",
            "RequestTime",
            "UserRecordsPerKinesisRecord",
            "KinesisRecordsPerPutRecordsRequest",
            "UserRecordsPerPutRecordsRequest")) {
      assertThat(samples(name)).as(name).isPositive();
    }
    assertThat(total("UserRecordsPerKinesisRecord")).isEqualTo(RECORDS + 1);
    assertThat(total("UserRecordsPerPutRecordsRequest"))
        .as("user records in every call, failed ones included")
        .isGreaterThan(RECORDS + 1);
  }

  private List<Meter> meters(String name) {
    List<Meter> found = new ArrayList<>(registry.find(NS + name).meters());
    assertThat(found).as(name + " registered").isNotEmpty();
    return found;
  }

  private double gauge(String name) {
    return registry.find(NS + name).gauges().stream().mapToDouble(Gauge::value).sum();
  }

  // The sum over every tag set of a counter.
  private double count(String name) {
    return meters(name).stream().mapToDouble(m -> ((Counter) m).count()).sum();
  }

  // How many values a timer or distribution summary recorded, over every tag set.
  private long samples(String name) {
    return meters(name).stream()
        .mapToLong(m -> m instanceof Timer t ? t.count() : ((DistributionSummary) m).count())
        .sum();
  }

  // The sum of what a timer (in ms) or distribution summary recorded, over every tag set.
  private double total(String name) {
    return meters(name).stream()
        .mapToDouble(
            m ->
                m instanceof Timer t
                    ? t.totalTime(TimeUnit.MILLISECONDS)
                    : ((DistributionSummary) m).totalAmount())
        .sum();
  }
}
