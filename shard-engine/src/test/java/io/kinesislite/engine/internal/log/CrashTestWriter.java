package io.kinesislite.engine.internal.log;

import io.kinesislite.engine.SyncPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Main class of the child JVM that {@link SegmentShardLogCrashIT} kills with SIGKILL: opens
 * (recovering) one ALWAYS-synced log per shard in a directory, prints {@code ready}, then appends
 * from 4 threads until killed, printing {@code ack <shard> <offset> <checksum> end} for every
 * record once its append is acknowledged. It exits by itself when its stdin ends, so it does not
 * outlive the test JVM.
 *
 * <p>Usage: {@code CrashTestWriter <directory> <shards> <seed>}.
 */
final class CrashTestWriter {
  static final String READY = "ready";
  static final int THREADS = 4;

  private CrashTestWriter() {}

  static LogSettings settings() {
    // Small segments, so that crashes also land around rolls and recovery meets sealed segments.
    return LogSettings.builder()
        .syncPolicy(SyncPolicy.ALWAYS)
        .segmentBytes(64 * 1024)
        .indexIntervalBytes(1024)
        .build();
  }

  static Path shardDir(Path dir, int shard) {
    return dir.resolve("shard-" + shard);
  }

  /** A checksum of everything a record holds but its offset. */
  static long checksum(long arrivalMillis, String key, String hashKey, byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(0, arrivalMillis));
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    crc.update(hashKey == null ? new byte[] {'-'} : hashKey.getBytes(StandardCharsets.US_ASCII));
    crc.update(data);
    return crc.getValue() ^ ((long) data.length << 32);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int shards = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    Thread watchdog =
        new Thread(
            () -> {
              try {
                while (System.in.read() != -1) {
                  // nothing is ever sent; end of input means the test JVM is gone
                }
              } catch (IOException e) {
                // the same
              }
              System.exit(3);
            },
            "stdin-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    Syncer syncer = new Syncer(Duration.ofMillis(100));
    SegmentShardLog[] logs = new SegmentShardLog[shards];
    long[] lastArrival = new long[shards];
    for (int s = 0; s < shards; s++) {
      logs[s] = SegmentShardLog.open(shardDir(dir, s), settings(), syncer);
      lastArrival[s] = logs[s].lastArrivalMillis();
    }
    PrintStream out = System.out;
    out.println(READY);
    out.flush();
    for (int t = 0; t < THREADS; t++) {
      Random random = new Random(seed * 31 + t);
      new Thread(() -> writeForever(logs, lastArrival, random, out), "writer-" + t).start();
    }
  }

  private static void writeForever(
      SegmentShardLog[] logs, long[] lastArrival, Random random, PrintStream out) {
    Clock clock = Clock.systemUTC();
    while (true) {
      int shard = random.nextInt(logs.length);
      SegmentShardLog log = logs[shard];
      int count = 1 + random.nextInt(8);
      List<NewRecord> batch = new ArrayList<>();
      Appended appended;
      synchronized (log) { // one append at a time per shard, as the engine does
        long arrival = Math.max(clock.millis(), lastArrival[shard]);
        lastArrival[shard] = arrival;
        for (int i = 0; i < count; i++) {
          byte[] data = new byte[random.nextInt(2000)];
          random.nextBytes(data);
          String hashKey = random.nextInt(4) == 0 ? Long.toString(random.nextLong() >>> 1) : null;
          batch.add(new NewRecord(arrival, "key-" + random.nextInt(100), hashKey, data));
        }
        appended = log.append(batch);
      }
      appended.acknowledged().join();
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < count; i++) {
        NewRecord r = batch.get(i);
        long sum = checksum(r.arrivalMillis(), r.partitionKey(), r.explicitHashKey(), r.data());
        lines.append("ack ").append(shard).append(' ').append(appended.firstOffset() + i);
        lines.append(' ').append(sum).append(" end\n");
      }
      synchronized (out) {
        out.print(lines);
        out.flush();
      }
    }
  }
}
