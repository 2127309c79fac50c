package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.assertFailsWith;
import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.Tmpfs;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.ServiceFailureException;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on a real, small tmpfs: when it fills up, and when it is remounted read-only, writers
 * get a clear error and every acknowledged record stays readable. Needs root (or mount rights);
 * elsewhere it is skipped with the reason.
 */
class EngineFilesystemFaultTest {
  @TempDir Path tempDir;

  @Test
  void aFullThenReadOnlyDataDirectoryFailsWritersClearlyAndKeepsRecordsReadable() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(tempDir.resolve("tmpfs"), "512k")) {
      fillThenRemountReadOnly(disk);
    }
  }

  private void fillThenRemountReadOnly(Tmpfs disk) throws Exception {
    Path dir = disk.path();
    EngineConfig config =
        EngineConfig.builder()
            .directory(dir)
            .syncPolicy(SyncPolicy.ALWAYS)
            .limitsEnabled(false)
            .build();
    List<PutResult> acknowledged = new ArrayList<>();
    try (ShardEngine engine = ShardEngine.open(config);
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      await(kinesis.createStream("s", 1));
      PutFailure full = null;
      for (int i = 0; i < 2_000 && full == null; i++) {
        List<PutEntry> batch = Collections.nCopies(4, PutEntry.of("k", new byte[1_000]));
        for (PutRecordsEntryResult r : await(kinesis.putRecords("s", batch)).entries()) {
          if (r instanceof PutResult ok) {
            acknowledged.add(ok);
          } else if (full == null) {
            full = (PutFailure) r;
          }
        }
      }
      assertThat(full).as("the disk filled up").isNotNull();
      assertThat(full.errorCode()).isEqualTo("InternalFailure");
      assertThat(full.errorMessage()).contains("No space left on device").contains(dir.toString());
      // A batch no longer fits; smaller puts may, until not even one record does.
      ServiceFailureException single = null;
      for (int i = 0; i < 1_000 && single == null; i++) {
        try {
          acknowledged.add(await(kinesis.putRecord("s", PutEntry.of("k", new byte[100]))));
        } catch (ServiceFailureException e) {
          single = e;
        }
      }
      assertThat(single).as("a single put fails once nothing fits").isNotNull();
      assertThat(single).hasMessageContaining("No space left on device");
      assertThat(readAll(kinesis))
          .extracting(StreamRecord::sequenceNumber)
          .containsExactlyElementsOf(sequences(acknowledged));
    }

    disk.remountReadOnly();
    try (ShardEngine engine = ShardEngine.open(config);
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      assertThat(readAll(kinesis))
          .extracting(StreamRecord::sequenceNumber)
          .containsExactlyElementsOf(sequences(acknowledged));
      PutRecordsEntryResult refused =
          await(kinesis.putRecords("s", List.of(PutEntry.of("k", new byte[10])))).entries().get(0);
      assertThat(refused).isInstanceOf(PutFailure.class);
      assertThat(((PutFailure) refused).errorMessage()).containsIgnoringCase("read-only");
      assertThat(assertFailsWith(kinesis.createStream("other", 1), ServiceFailureException.class))
          .hasMessageContaining(dir.toString());
    }
  }

  private static List<StreamRecord> readAll(KinesisTransport kinesis) {
    String iterator =
        await(
            kinesis.getShardIterator("s", "shardId-000000000000", StartingPosition.trimHorizon()));
    List<StreamRecord> records = new ArrayList<>();
    while (true) {
      GetRecordsResult page = await(kinesis.getRecords(iterator, 10_000));
      records.addAll(page.records());
      if (page.records().isEmpty()) {
        return records;
      }
      iterator = page.nextShardIterator().orElseThrow();
    }
  }

  private static List<String> sequences(List<PutResult> puts) {
    return puts.stream().map(PutResult::sequenceNumber).toList();
  }
}
