package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.PutEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * One put-many call in the making: Kinesis records of one stream, within the collection limits (at
 * most {@code CollectionMaxCount} entries and {@code CollectionMaxSize} bytes, keys counted).
 *
 * <p>Not thread-safe: the sender fills it, then hands it to the thread that handles the answer.
 */
final class Batch {
  final StreamPipeline pipeline;
  final List<OutgoingRecord> records = new ArrayList<>();
  final List<ShardQueue> queues = new ArrayList<>(); // the queue each record came from
  private final int maxCount;
  private final long maxBytes;
  private long bytes;
  long sentAtMillis;

  /** Kinesis takes at most 5 MiB per put-many call; the KPL lets CollectionMaxSize say more. */
  static final long KINESIS_MAX_BYTES = 5L * 1024 * 1024;

  static long maxBytes(ProducerConfig config) {
    return Math.min(config.collectionMaxSize(), KINESIS_MAX_BYTES);
  }

  Batch(StreamPipeline pipeline, int maxCount, long maxBytes) {
    this.pipeline = pipeline;
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
  }

  /** An empty batch takes any one record, so that no record is too big to ever be sent. */
  boolean hasRoomFor(OutgoingRecord record) {
    return records.isEmpty() || (records.size() < maxCount && bytes + record.size() <= maxBytes);
  }

  void add(OutgoingRecord record, ShardQueue from) {
    records.add(record);
    queues.add(from);
    bytes += record.size();
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  boolean isFull() {
    return records.size() >= maxCount || bytes >= maxBytes;
  }

  List<PutEntry> entries() {
    List<PutEntry> entries = new ArrayList<>(records.size());
    for (OutgoingRecord r : records) {
      entries.add(r.entry);
    }
    return entries;
  }

  int userRecords() {
    int count = 0;
    for (OutgoingRecord r : records) {
      count += r.members.size();
    }
    return count;
  }
}
