package io.kinesislite.reliability;

import io.kinesislite.testkit.Eventually;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The records a campaign put into one stream and the stream acknowledged, to check them against
 * what the stream holds: each record's data is its id ({@code r-<n>}) padded to a size, so a record
 * read back can be told whole or damaged. Failed entries are kept as the errors the stream gave.
 *
 * <p>Not thread-safe; one campaign thread puts and checks.
 */
final class StreamLedger {
  /** What a check of the stream found. */
  record Check(
      int acknowledged,
      List<String> missing,
      List<String> damaged,
      List<String> readErrors,
      int read) {
    boolean intact() {
      return missing.isEmpty() && damaged.isEmpty() && readErrors.isEmpty();
    }

    @Override
    public String toString() {
      return acknowledged
          + " acknowledged, "
          + read
          + " read, missing "
          + first(missing)
          + ", damaged "
          + first(damaged)
          + ", read errors "
          + readErrors;
    }

    private static String first(List<String> ids) {
      return ids.size() <= 5 ? ids.toString() : ids.subList(0, 5) + " and " + (ids.size() - 5);
    }
  }

  private final String stream;
  private final int recordBytes;
  private final Map<String, String> acknowledged = new LinkedHashMap<>(); // id -> sequence
  private final List<String> errors = new ArrayList<>();
  private long next;

  StreamLedger(String stream, int recordBytes) {
    this.stream = stream;
    this.recordBytes = recordBytes;
  }

  static byte[] data(String id, int bytes) {
    StringBuilder s = new StringBuilder(id).append('|');
    while (s.length() < bytes) {
      s.append((char) ('a' + s.length() % 26));
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Puts {@code count} records in one call.
   *
   * @return how many the stream acknowledged; the others' errors are in {@link #errors()}
   */
  int put(KinesisTransport kinesis, int count) {
    List<String> ids = new ArrayList<>(count);
    List<PutEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = "r-" + next++;
      ids.add(id);
      entries.add(PutEntry.of("key-" + id, data(id, recordBytes)));
    }
    try {
      List<PutRecordsEntryResult> results =
          kinesis.putRecords(stream, entries).get(30, TimeUnit.SECONDS).entries();
      int ok = 0;
      for (int i = 0; i < results.size(); i++) {
        if (results.get(i) instanceof PutResult r) {
          acknowledged.put(ids.get(i), r.sequenceNumber());
          ok++;
        } else {
          PutFailure f = (PutFailure) results.get(i);
          errors.add(f.errorCode() + ": " + f.errorMessage());
        }
      }
      return ok;
    } catch (ExecutionException e) {
      errors.add(e.getCause().toString());
      return 0;
    } catch (TimeoutException | KinesisLiteException e) {
      errors.add(e.toString());
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Puts batches until one entry is refused, up to {@code maxBatches}; returns whether one was. */
  boolean putUntilRefused(KinesisTransport kinesis, int batch, int maxBatches) {
    for (int i = 0; i < maxBatches; i++) {
      if (put(kinesis, batch) < batch) {
        return true;
      }
    }
    return false;
  }

  /** Puts one record at a time until one is acknowledged; returns how long that took. */
  Duration putUntilAccepted(KinesisTransport kinesis, Duration timeout, String what) {
    return Eventually.within(
        timeout, what, () -> put(kinesis, 1) == 1, () -> "last error: " + lastError());
  }

  /** Every error the stream gave so far, in order. */
  List<String> errors() {
    return List.copyOf(errors);
  }

  String lastError() {
    return errors.isEmpty() ? "none" : errors.get(errors.size() - 1);
  }

  /** How many records the stream acknowledged. */
  int acknowledgedCount() {
    return acknowledged.size();
  }

  /** The acknowledged ids, in the order they were put. */
  List<String> acknowledgedIds() {
    return List.copyOf(acknowledged.keySet());
  }

  /** The sequence number the stream gave an acknowledged record. */
  String sequenceOf(String id) {
    return acknowledged.get(id);
  }

  /** Forgets acknowledged records: ones a campaign itself destroyed on purpose. */
  void forget(List<String> ids) {
    ids.forEach(acknowledged::remove);
  }

  /**
   * Reads every shard from its start and checks that every acknowledged record is there, at its
   * sequence number, with its data whole. A read that fails ends its shard's reading; its error is
   * kept in the check.
   */
  Check check(KinesisTransport kinesis) {
    Map<String, String> seenAt = new HashMap<>(); // id -> sequence
    List<String> damaged = new ArrayList<>();
    List<String> readErrors = new ArrayList<>();
    int read = 0;
    for (Shard shard : await(kinesis.listShards(stream))) {
      try {
        String iterator =
            await(
                kinesis.getShardIterator(stream, shard.shardId(), StartingPosition.trimHorizon()));
        while (iterator != null) {
          GetRecordsResult page = await(kinesis.getRecords(iterator, 10_000));
          for (StreamRecord r : page.records()) {
            read++;
            String text = new String(r.dataBytes(), StandardCharsets.UTF_8);
            String id = text.substring(0, Math.max(0, text.indexOf('|')));
            if (Arrays.equals(r.dataBytes(), data(id, recordBytes))) {
              seenAt.put(id, r.sequenceNumber());
            } else {
              damaged.add(shard.shardId() + "/" + r.sequenceNumber());
            }
          }
          iterator = page.records().isEmpty() ? null : page.nextShardIterator().orElse(null);
        }
      } catch (KinesisLiteException e) {
        readErrors.add(shard.shardId() + ": " + e.getMessage());
      }
    }
    List<String> missing = new ArrayList<>();
    acknowledged.forEach(
        (id, sequence) -> {
          if (!sequence.equals(seenAt.get(id))) {
            missing.add(id);
          }
        });
    return new Check(acknowledged.size(), missing, damaged, readErrors, read);
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new AssertionError("the engine did not answer within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
