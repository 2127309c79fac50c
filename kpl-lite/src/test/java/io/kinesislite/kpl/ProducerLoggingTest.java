package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.transport.KinesisTransport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A normal run is quiet at INFO, where the KPL logs its "Stage Triggers" every 15 s per stream
 * (reference/kpl.md section 5, item 17).
 *
 * <p>How: slf4j-simple, the test binding, writes to whatever {@code System.err} is at the moment of
 * each line (it does not cache the stream unless told to), at INFO by default. The test swaps
 * {@code System.err} for a buffer around the run, and first logs one INFO line of its own through a
 * producer logger's name, which must show up: that proves the capture works and the level lets INFO
 * through, so an INFO or WARN line from the producer could not go unseen.
 */
class ProducerLoggingTest {
  private static final String CONTROL = "capture check: INFO lines reach the buffer";

  @Test
  void aNormalRunLogsNothingAtInfo() {
    Logger producerLogger = LoggerFactory.getLogger("io.kinesislite.kpl.internal.Sender");
    assertThat(producerLogger.isInfoEnabled()).as("INFO is on for the producer").isTrue();
    assertThat(producerLogger.isDebugEnabled()).as("DEBUG is off").isFalse();

    String logged;
    try (ShardEngine engine = ShardEngine.open(EngineConfig.builder().build());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      await(kinesis.createStream("orders", 2));
      await(kinesis.createStream("clicks", 1));
      PrintStream original = System.err;
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      try {
        producerLogger.info(CONTROL);
        ProducerConfig config =
            ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(20)).build();
        try (KinesisProducer producer = KinesisProducer.create(config, kinesis)) {
          for (int i = 0; i < 1_000; i++) {
            producer.add(i % 3 == 0 ? "clicks" : "orders", "key-" + (i % 50), data(i));
          }
          producer.flush("clicks");
          producer.flushSync();
          for (int i = 0; i < 100; i++) {
            producer.add("orders", "late-" + i, data(i));
          }
        } // close sends the rest
      } finally {
        System.setErr(original);
      }
      logged = buffer.toString(StandardCharsets.UTF_8);
    }

    assertThat(logged).contains(CONTROL);
    assertThat(logged.lines()).as("everything written while the producer ran").hasSize(1);
  }

  private static ByteBuffer data(int i) {
    return ByteBuffer.wrap(("record-" + i).getBytes(StandardCharsets.UTF_8));
  }
}
