package io.kinesislite.engine.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the {@link ShardLogContract} against {@link MemoryShardLog}, plus what only it does. */
class MemoryShardLogTest extends ShardLogContract {

  @Override
  ShardLog open(LogSettings settings) {
    return new MemoryShardLog(settings);
  }

  @Override
  ShardLog openWithSmallSegments(LogSettings settings) {
    return new MemoryShardLog(settings, 32);
  }

  @Override
  List<Long> segmentBases(ShardLog log) {
    return ((MemoryShardLog) log).segmentBaseOffsets();
  }

  @Test
  void readReturnsTheStoredRecordObjectsWithoutCopyingData() {
    ShardLog log = log();
    List<NewRecord> written = records(START, 0, 10, 10);
    append(log, written);
    List<StoredRecord> first = log.read(0, 10, Long.MAX_VALUE);
    List<StoredRecord> second = log.read(0, 10, Long.MAX_VALUE);
    for (int i = 0; i < 10; i++) {
      assertThat(first.get(i)).isSameAs(second.get(i));
      assertThat(first.get(i).data()).isSameAs(written.get(i).data());
    }
  }

  @Test
  void chunksHoldAFixedNumberOfRecords() {
    ShardLog log = log();
    append(log, records(START, 0, 2 * MemoryShardLog.CHUNK_RECORDS + 1, 1));
    assertThat(segmentBases(log))
        .containsExactly(
            0L, (long) MemoryShardLog.CHUNK_RECORDS, 2L * MemoryShardLog.CHUNK_RECORDS);
  }

  @Test
  void acknowledgesAtOnce() {
    ShardLog log = log();
    Appended a = log.append(records(START, 0, 3, 1));
    assertThat(a.acknowledged()).isCompleted();
    assertThat(log.readableEnd()).isEqualTo(3);
  }
}
