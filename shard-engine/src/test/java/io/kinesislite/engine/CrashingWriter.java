package io.kinesislite.engine;

import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The child process of {@link EngineCrashIT}: opens a durable engine with sync ALWAYS and writes
 * from four threads until it is killed, printing one line per acknowledged record: {@code ack
 * <shardId> <sequenceNumber> <crc of data>}. A line is printed only after the put's future
 * completed, so each line is a promise the engine made.
 */
public final class CrashingWriter {
  static final String STREAM = "crash";
  static final int SHARDS = 4;

  private CrashingWriter() {}

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    int cycle = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    ShardEngine engine =
        ShardEngine.open(
            EngineConfig.builder()
                .directory(directory)
                .syncPolicy(SyncPolicy.ALWAYS)
                .limitsEnabled(false)
                .build());
    if (!engine.listStreams().contains(STREAM)) {
      engine.createStream(STREAM, SHARDS);
    }
    out.println("ready");
    out.flush();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread writer = new Thread(() -> write(engine, out, cycle, thread), "crash-writer-" + t);
      writer.start();
      writers.add(writer);
    }
    for (Thread writer : writers) {
      writer.join();
    }
  }

  private static void write(ShardEngine engine, PrintStream out, int cycle, int thread) {
    for (long n = 0; ; n++) {
      List<PutEntry> batch = new ArrayList<>();
      int size = 1 + (int) (n % 50);
      for (int i = 0; i < size; i++) {
        String value = "c" + cycle + "-t" + thread + "-n" + n + "-i" + i + "-" + "x".repeat(i * 7);
        batch.add(
            PutEntry.of(
                "key-" + thread + "-" + (n * 31 + i) % 97, value.getBytes(StandardCharsets.UTF_8)));
      }
      PutRecordsResult result = engine.putRecords(STREAM, batch).join();
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < batch.size(); i++) {
        PutRecordsEntryResult r = result.entries().get(i);
        if (r instanceof PutResult ok) {
          lines
              .append("ack ")
              .append(ok.shardId())
              .append(' ')
              .append(ok.sequenceNumber())
              .append(' ')
              .append(crc(batch.get(i).data()))
              .append('\n');
        }
      }
      synchronized (out) {
        out.print(lines);
        out.flush();
      }
    }
  }

  static long crc(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return crc.getValue();
  }
}
