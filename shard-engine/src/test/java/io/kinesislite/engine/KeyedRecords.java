package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.await;
import static io.kinesislite.testkit.TransportAssertions.bytes;
import static io.kinesislite.testkit.TransportAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.StreamRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records written for a consumer to check: each record's data is {@code <key>#<n>}, where {@code n}
 * counts the records written for its partition key (optionally padded: {@code <key>#<n>|...}), so
 * what a consumer reads can be checked for loss, repetition and order per key. Remembers which
 * shard each accepted record landed in.
 *
 * <p>Not thread-safe.
 */
final class KeyedRecords {
  private final Map<String, Integer> nextIndex = new HashMap<>();
  private final List<String> accepted = new ArrayList<>();
  private final Map<String, String> shardOf = new LinkedHashMap<>();

  /** Returns the data of the next record for {@code key}, counting it as written. */
  String next(String key) {
    int n = nextIndex.merge(key, 1, Integer::sum) - 1;
    return key + "#" + n;
  }

  /**
   * Writes {@code rounds} records for each of {@code keys}, interleaved round by round, in calls of
   * up to 500 entries; every entry must succeed. Returns the data written, in write order.
   */
  List<String> writeAll(KinesisTransport transport, String stream, List<String> keys, int rounds) {
    List<PutEntry> entries = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (String key : keys) {
        entries.add(PutEntry.of(key, bytes(next(key))));
      }
    }
    List<String> written = new ArrayList<>();
    for (int from = 0; from < entries.size(); from += 500) {
      List<PutEntry> call = entries.subList(from, Math.min(entries.size(), from + 500));
      PutRecordsResult result = await(transport.putRecords(stream, call));
      assertThat(result.failedCount()).as("failed entries").isZero();
      written.addAll(record(call, result));
    }
    return written;
  }

  /** Notes the entries of {@code call} that {@code result} accepted; returns their data. */
  List<String> record(List<PutEntry> call, PutRecordsResult result) {
    List<String> written = new ArrayList<>();
    for (int i = 0; i < call.size(); i++) {
      PutRecordsEntryResult entry = result.entries().get(i);
      if (entry instanceof PutResult put) {
        String data = label(new String(call.get(i).data(), StandardCharsets.UTF_8));
        accepted.add(data);
        shardOf.put(data, put.shardId());
        written.add(data);
      }
    }
    return written;
  }

  /** Returns every accepted record's data, in write order. */
  List<String> accepted() {
    return List.copyOf(accepted);
  }

  /** Returns the shard the record with this data was written to. */
  String shardOf(String data) {
    return shardOf.get(data);
  }

  /**
   * Asserts that {@code read} holds every accepted record exactly once, and each partition key's
   * records in the order they were written.
   */
  void assertReadExactlyOnceInKeyOrder(List<StreamRecord> read) {
    List<String> data = new ArrayList<>(read.size());
    Set<String> seen = new HashSet<>();
    List<String> repeated = new ArrayList<>();
    for (StreamRecord r : read) {
      String d = label(text(r));
      data.add(d);
      if (!seen.add(d)) {
        repeated.add(d);
      }
    }
    assertThat(repeated).as("records read more than once").isEmpty();
    assertThat(data).as("records read").containsExactlyInAnyOrderElementsOf(accepted);
    Map<String, List<Integer>> byKey = new LinkedHashMap<>();
    for (StreamRecord r : read) {
      String d = label(text(r));
      int hash = d.lastIndexOf('#');
      assertThat(r.partitionKey()).isEqualTo(d.substring(0, hash));
      byKey
          .computeIfAbsent(r.partitionKey(), k -> new ArrayList<>())
          .add(Integer.parseInt(d.substring(hash + 1)));
    }
    for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
      assertThat(e.getValue()).as("record order of key %s", e.getKey()).isSorted();
    }
  }

  /** Returns the {@code <key>#<n>} part of a record's data, without padding. */
  static String label(String data) {
    int bar = data.indexOf('|');
    return bar < 0 ? data : data.substring(0, bar);
  }

  /** Returns {@code count} partition keys {@code <prefix>-0 ... <prefix>-(count-1)}. */
  static List<String> keys(String prefix, int count) {
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(prefix + "-" + i);
    }
    return keys;
  }
}
