package io.kinesislite.engine.internal;

import io.kinesislite.engine.internal.log.Appended;
import io.kinesislite.engine.internal.log.NewRecord;
import io.kinesislite.transport.HashKeys;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Puts records: routes each entry to the open shard that owns its hash key, applies the shard's
 * write limits entry by entry, and appends each shard's accepted entries as one batch. Entries fail
 * one by one, as in Kinesis: over a shard's rate they get {@code
 * ProvisionedThroughputExceededException}, over the record size {@code InvalidArgumentException}.
 *
 * <p>Thread-safe.
 */
final class Writes {
  private final EngineState state;
  private final boolean copyData;
  private final Executor callbacks;

  /**
   * @param copyData whether to copy record data before keeping it: the in-memory log keeps the
   *     array itself, and a caller changing it later must not change a stored record
   */
  Writes(EngineState state, boolean copyData, Executor callbacks) {
    this.state = state;
    this.copyData = copyData;
    this.callbacks = callbacks;
  }

  CompletableFuture<PutRecordsResult> putRecords(String streamName, List<PutEntry> entries) {
    if (entries.isEmpty() || entries.size() > KinesisTransport.MAX_PUT_RECORDS_ENTRIES) {
      throw KinesisErrors.invalid(
          "Records must have from 1 to "
              + KinesisTransport.MAX_PUT_RECORDS_ENTRIES
              + " entries: "
              + entries.size());
    }
    long total = 0;
    for (PutEntry entry : entries) {
      total += entry.countedSize();
    }
    if (total > KinesisTransport.MAX_PUT_RECORDS_BYTES) {
      throw KinesisErrors.invalid(
          "Records hold "
              + total
              + " bytes of partition keys and data, over the limit of "
              + KinesisTransport.MAX_PUT_RECORDS_BYTES
              + " bytes per call");
    }
    EngineStream stream = state.stream(streamName);
    PutRecordsEntryResult[] results = new PutRecordsEntryResult[entries.size()];
    List<CompletableFuture<Void>> acknowledgements = new ArrayList<>();
    stream.lock.readLock().lock();
    try {
      if (stream.deleted) {
        throw KinesisErrors.streamNotFound(streamName);
      }
      EngineShard[] open = stream.openShards();
      Map<EngineShard, List<Integer>> byShard = new IdentityHashMap<>();
      for (int i = 0; i < entries.size(); i++) {
        PutEntry entry = entries.get(i);
        if (entry.data().length > state.config.maxRecordSize()) {
          results[i] =
              new PutFailure(
                  "InvalidArgumentException",
                  "Record data size "
                      + entry.data().length
                      + " exceeds the stream's max record size of "
                      + state.config.maxRecordSize()
                      + " bytes");
          continue;
        }
        EngineShard shard =
            EngineStream.route(
                open,
                HashKeys.effective(entry.partitionKey(), entry.explicitHashKey().orElse(null)));
        byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(i);
      }
      for (Map.Entry<EngineShard, List<Integer>> group : byShard.entrySet()) {
        acknowledgements.add(
            append(streamName, group.getKey(), group.getValue(), entries, results));
      }
    } finally {
      stream.lock.readLock().unlock();
    }
    CompletableFuture<Void> all =
        acknowledgements.size() == 1
            ? acknowledgements.get(0)
            : CompletableFuture.allOf(acknowledgements.toArray(new CompletableFuture<?>[0]));
    if (all.isDone()) {
      return CompletableFuture.completedFuture(new PutRecordsResult(Arrays.asList(results)));
    }
    // Acknowledgements after an fsync complete on the sync thread; whatever callers chain on the
    // result must not hold up the next fsync, so it runs on the callback pool.
    return all.handleAsync(
        (ignored, error) -> new PutRecordsResult(Arrays.asList(results)), callbacks);
  }

  /**
   * Appends one shard's share of a call; fills in the results of its entries, and returns a future
   * that completes (normally, whatever happened) once they are acknowledged or failed.
   */
  private CompletableFuture<Void> append(
      String streamName,
      EngineShard shard,
      List<Integer> indexes,
      List<PutEntry> entries,
      PutRecordsEntryResult[] results) {
    List<NewRecord> accepted = new ArrayList<>(indexes.size());
    List<Integer> acceptedIndexes = new ArrayList<>(indexes.size());
    Appended appended;
    shard.appendLock.lock();
    try {
      long arrival = Math.max(state.clock.millis(), shard.lastArrivalMillis);
      shard.lastArrivalMillis = arrival;
      for (int i : indexes) {
        PutEntry entry = entries.get(i);
        int size = entry.countedSize();
        shard.demandRecords.increment();
        shard.demandBytes.add(size);
        if (!withinWriteLimits(shard, size)) {
          results[i] =
              new PutFailure(
                  KinesisErrors.THROUGHPUT_EXCEEDED,
                  "Rate exceeded for shard "
                      + shard.shardId
                      + " in stream "
                      + streamName
                      + " under account 000000000000.");
          continue;
        }
        byte[] data = copyData ? entry.data().clone() : entry.data();
        accepted.add(
            new NewRecord(
                arrival, entry.partitionKey(), entry.explicitHashKey().orElse(null), data));
        acceptedIndexes.add(i);
      }
      if (accepted.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      try {
        appended = shard.log.append(accepted);
        shard.appended(appended.acknowledged());
      } catch (RuntimeException e) {
        failAll(acceptedIndexes, results, e);
        return CompletableFuture.completedFuture(null);
      }
    } finally {
      shard.appendLock.unlock();
    }
    for (int k = 0; k < acceptedIndexes.size(); k++) {
      results[acceptedIndexes.get(k)] =
          new PutResult(shard.shardId, shard.sequenceOfRecord(appended.firstOffset() + k));
    }
    return appended
        .acknowledged()
        .handle(
            (ignored, error) -> {
              if (error != null) {
                failAll(acceptedIndexes, results, error);
              } else {
                shard.signalData();
              }
              return null;
            });
  }

  private static boolean withinWriteLimits(EngineShard shard, int size) {
    if (shard.writeRecords == null) {
      return true;
    }
    // Take records first: a record refused for bytes must not also spend a record token.
    if (!shard.writeRecords.tryTake(1)) {
      return false;
    }
    if (!shard.writeBytes.tryTake(size)) {
      shard.writeRecords.refund(1);
      return false;
    }
    return true;
  }

  private static void failAll(
      List<Integer> indexes, PutRecordsEntryResult[] results, Throwable error) {
    Throwable cause =
        error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
    for (int i : indexes) {
      results[i] =
          new PutFailure("InternalFailure", "Internal service failure: " + cause.getMessage());
    }
  }
}
