package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.await;
import static io.kinesislite.testkit.TransportAssertions.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.testkit.RecordingSubscriber;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.TransportClosedException;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, closing and recovering an engine, including when things went wrong before. */
class EngineLifecycleTest {
  @TempDir Path dir;

  private EngineConfig durable() {
    return EngineConfig.builder().directory(dir).limitsEnabled(false).build();
  }

  @Test
  void aClosedEngineRefusesEveryOperationAndLeavesItsDirectoryAlone() throws IOException {
    ShardEngine first = ShardEngine.open(durable());
    first.createStream("s", 1);
    first.close();
    try (ShardEngine second = ShardEngine.open(durable())) {
      assertThatThrownBy(() -> first.createStream("zombie", 1))
          .isInstanceOf(TransportClosedException.class);
      assertThatThrownBy(() -> first.deleteStream("s", true))
          .isInstanceOf(TransportClosedException.class);
      RecordingSubscriber<ShardEvent> events = new RecordingSubscriber<>();
      first
          .subscribeToShard("s", "c", "shardId-000000000000", StartingPosition.latest())
          .subscribe(events);
      assertThat(events.awaitTerminal(Duration.ofSeconds(10)))
          .isInstanceOf(io.kinesislite.transport.KinesisLiteException.class);
      assertThat(second.listStreams()).containsExactly("s");
    }
  }

  @Test
  void aFailedOpenLeavesNoThreadBehind() throws IOException {
    try (ShardEngine engine = ShardEngine.open(durable())) {
      engine.createStream("s", 1);
    }
    Path json;
    try (Stream<Path> files = Files.walk(dir)) {
      json =
          files
              .filter(p -> p.getFileName().toString().equals("stream.json"))
              .findFirst()
              .orElseThrow();
    }
    Files.writeString(json, "{ not json");
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> ShardEngine.open(durable())).isNotNull();
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .noneMatch(name -> name.startsWith("kinesis-lite-engine-sync"));
  }

  @Test
  void aDirectoryReachedThroughASymlinkIsStillOneEngine() throws IOException {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    try (KinesisTransport a = Transports.open("embedded:" + link.resolve("data"));
        KinesisTransport b = Transports.open("embedded:" + real.resolve("data"))) {
      await(a.createStream("s", 1));
      assertThat(await(b.listStreams())).containsExactly("s");
    }
  }

  @Test
  void shardDirectoriesTheMetadataDoesNotListAreRemovedOnOpen() throws IOException {
    try (ShardEngine engine = ShardEngine.open(durable())) {
      engine.createStream("s", 1);
    }
    Path streamDir;
    try (Stream<Path> dirs = Files.list(dir.resolve("streams"))) {
      streamDir = dirs.findFirst().orElseThrow();
    }
    Path stray = Files.createDirectories(streamDir.resolve("shard-7"));
    Files.writeString(stray.resolve("00000000000000000000.seg"), "left over by a crash");
    try (ShardEngine engine = ShardEngine.open(durable())) {
      assertThat(engine.listStreams()).containsExactly("s");
    }
    assertThat(stray).doesNotExist();
    assertThat(streamDir.resolve("shard-0")).exists();
  }

  @Test
  void aClosedShardWhoseLastRecordWasLostStillReachesItsEnd() throws IOException {
    PutResult last;
    try (ShardEngine engine = ShardEngine.open(durable());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      await(kinesis.createStream("s", 1));
      await(kinesis.putRecord("s", PutEntry.of("k", bytes("kept"))));
      last = await(kinesis.putRecord("s", PutEntry.of("k", bytes("lost with the tail"))));
      await(kinesis.splitShard("s", last.shardId(), BigInteger.ONE.shiftLeft(127)));
    }
    // A power loss under INTERVAL can take an unsynced tail; here it is cut by hand.
    Path segment;
    try (Stream<Path> files = Files.walk(dir)) {
      segment =
          files
              .filter(p -> p.toString().contains("shard-0") && p.toString().endsWith(".seg"))
              .findFirst()
              .orElseThrow();
    }
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 3);
    }
    try (ShardEngine engine = ShardEngine.open(durable());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      String iterator =
          await(kinesis.getShardIterator("s", last.shardId(), StartingPosition.trimHorizon()));
      GetRecordsResult page = await(kinesis.getRecords(iterator, 100));
      assertThat(page.records()).hasSize(1);
      assertThat(page.isShardEnd()).as("the parent still ends, and names its children").isTrue();
      assertThat(page.childShards()).hasSize(2);
      assertThat(
              await(kinesis.listShards("s")).stream()
                  .filter(s -> s.shardId().equals(last.shardId())))
          .singleElement()
          .satisfies(s -> assertThat(s.endingSequenceNumber()).isPresent());
    }
  }

  @Test
  void putsStillWaitingForTheirSyncAreSyncedWhenTheEngineCloses() {
    EngineConfig always =
        EngineConfig.builder()
            .directory(dir)
            .syncPolicy(SyncPolicy.ALWAYS)
            .limitsEnabled(false)
            .build();
    ShardEngine engine = ShardEngine.open(always);
    engine.createStream("s", 1);
    var pending = engine.putRecord("s", PutEntry.of("k", bytes("in flight at close")));
    engine.close();
    List<PutResult> acknowledged = List.of(pending.join());
    try (ShardEngine reopened = ShardEngine.open(always)) {
      String iterator =
          reopened.getShardIterator(
              "s",
              acknowledged.get(0).shardId(),
              StartingPosition.atSequenceNumber(acknowledged.get(0).sequenceNumber()));
      assertThat(reopened.getRecords(iterator, 10).records()).hasSize(1);
    }
  }
}
