package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.await;
import static io.kinesislite.testkit.TransportAssertions.bytes;
import static io.kinesislite.testkit.TransportAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.internal.log.StorageException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.TransportClosedException;
import io.kinesislite.transport.Transports;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedTransportProviderTest {

  @Test
  void embeddedSelectionsInOneProcessShareOneEngine() {
    try (KinesisTransport producer = Transports.open("embedded:");
        KinesisTransport consumer = Transports.open("embedded:")) {
      assertThat(producer).isInstanceOf(EmbeddedTransport.class);
      await(producer.createStream("shared-one", 1));
      PutResult put = await(producer.putRecord("shared-one", PutEntry.of("k", bytes("hello"))));
      String iterator =
          await(
              consumer.getShardIterator(
                  "shared-one", put.shardId(), StartingPosition.trimHorizon()));
      assertThat(await(consumer.getRecords(iterator, 10)).records())
          .extracting(r -> text(r))
          .containsExactly("hello");
      await(producer.deleteStream("shared-one"));
    }
  }

  @Test
  void aDurableSelectionKeepsItsDataAfterEveryTransportClosed(@TempDir Path dir) {
    String selection = "embedded:" + dir;
    PutResult put;
    try (KinesisTransport kinesis = Transports.open(selection)) {
      await(kinesis.createStream("kept", 1));
      put = await(kinesis.putRecord("kept", PutEntry.of("k", bytes("durable"))));
    }
    try (KinesisTransport kinesis = Transports.open(selection)) {
      String iterator =
          await(
              kinesis.getShardIterator(
                  "kept", put.shardId(), StartingPosition.atSequenceNumber(put.sequenceNumber())));
      assertThat(await(kinesis.getRecords(iterator, 10)).records())
          .singleElement()
          .satisfies(r -> assertThat(r.sequenceNumber()).isEqualTo(put.sequenceNumber()));
    }
  }

  @Test
  void aSecondEngineCannotOpenADirectoryInUse(@TempDir Path dir) {
    try (ShardEngine first = ShardEngine.open(EngineConfig.builder().directory(dir).build())) {
      assertThat(first.listStreams()).isEmpty();
      assertThatThrownBy(() -> ShardEngine.open(EngineConfig.builder().directory(dir).build()))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("in use by another engine");
    }
    ShardEngine.open(EngineConfig.builder().directory(dir).build()).close();
  }

  @Test
  void aClosedTransportFailsItsCallsButLeavesTheSharedEngineToOthers() {
    try (KinesisTransport other = Transports.open("embedded:")) {
      KinesisTransport closing = Transports.open("embedded:");
      await(other.createStream("still-there", 1));
      closing.close();
      assertThat(closing.listStreams()).isCompletedExceptionally();
      assertThatThrownBy(() -> await(closing.listStreams()))
          .isInstanceOf(TransportClosedException.class);
      assertThat(await(other.listStreams())).contains("still-there");
      await(other.deleteStream("still-there"));
    }
  }
}
