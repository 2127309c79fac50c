package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.Eventually;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code serve} with SIGKILL ten times while AWS SDK clients write to it, restarting it each
 * time on the same port and directory, and then reads the whole stream back through {@code serve}:
 * every put the server answered with success must be there, at the sequence number it answered.
 * This is the promise a durable server makes to remote clients, which in-process crash tests of the
 * engine cannot check: that nothing between the HTTP answer and the disk loses a record.
 *
 * <p>Duplicates are allowed (a put whose answer was lost may be taken twice) and are counted.
 */
class ServeDurabilityIT {
  private static final String STREAM = "durable";
  private static final int CYCLES = 10;
  private static final int WRITERS = 3;
  private static final Duration RUN_PER_CYCLE = Duration.ofSeconds(1);

  @TempDir Path temp;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();

  private ServedProcess server;

  @AfterEach
  void killLeftOver() {
    if (server != null) {
      server.destroy();
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void everyAcknowledgedPutSurvivesTenSigkillsOfTheServerProcess() throws Exception {
    Path data = temp.resolve("data");
    server = ServedProcess.start(data, 0, temp.resolve("serve-0.log"));
    int port = server.port();
    List<Long> restartMillis = new ArrayList<>();
    Writers writers;
    try (KinesisTransport admin = Transports.open("http://127.0.0.1:" + port);
        KinesisTransport kinesis = Transports.open(writerConfig(port))) {
      await(admin.createStream(STREAM, 4));
      await(admin.awaitStreamActive(STREAM, Duration.ofSeconds(30)));
      writers = new Writers(kinesis);
      writers.start();
      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        long before = writers.acknowledged();
        long start = System.nanoTime();
        Eventually.within(
            Duration.ofSeconds(30),
            "writers are acknowledged for " + RUN_PER_CYCLE + " in cycle " + cycle,
            () ->
                writers.acknowledged() > before
                    && System.nanoTime() - start >= RUN_PER_CYCLE.toNanos(),
            writers::toString);
        if (cycle == 4) {
          splitFirstShard(admin); // children must survive the kills that follow, too
        }
        long killedAt = System.nanoTime();
        assertThat(server.kill()).as("exit status after SIGKILL").isEqualTo(128 + 9);
        server = ServedProcess.start(data, port, temp.resolve("serve-" + cycle + ".log"));
        server.awaitReady(http);
        restartMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
      }
      writers.stop();
    }

    Map<String, List<String>> stored = readEverything(port);
    report(writers, stored, restartMillis);
    assertEveryAcknowledgedPutStored(writers, stored);

    int status = server.terminate();
    assertThat(server.closedGracefully())
        .as(
            "the server closed through its shutdown hook on SIGTERM (exit %d); its log:%n%s",
            status, server.logText())
        .isTrue();
  }

  /** Short timeouts, so that writers notice a dead server quickly and go on. */
  private static TransportConfig writerConfig(int port) {
    return TransportConfig.builder()
        .selection("http://127.0.0.1:" + port)
        .callTimeout(Duration.ofSeconds(3))
        .connectTimeout(Duration.ofMillis(500))
        .maxAttempts(2)
        .build();
  }

  private static void splitFirstShard(KinesisTransport kinesis) {
    Shard first = await(kinesis.listShards(STREAM)).get(0);
    HashKeyRange range = first.hashKeyRange();
    BigInteger middle = range.start().add(range.end()).shiftRight(1);
    await(kinesis.splitShard(STREAM, first.shardId(), middle));
  }

  /** Reads every shard, children included, from its trim horizon; data → sequence numbers. */
  private static Map<String, List<String>> readEverything(int port) {
    Map<String, List<String>> stored = new HashMap<>();
    try (KinesisTransport reader = Transports.open("http://127.0.0.1:" + port)) {
      LineageReader read = LineageReader.readAll(reader, STREAM);
      assertThat(read.shards()).as("the 4 shards and the 2 children of the split").hasSize(6);
      for (StreamRecord r : read.records()) {
        stored
            .computeIfAbsent(
                new String(r.dataBytes(), StandardCharsets.UTF_8), k -> new ArrayList<>(1))
            .add(r.sequenceNumber());
      }
    }
    return stored;
  }

  private static void assertEveryAcknowledgedPutStored(
      Writers writers, Map<String, List<String>> stored) {
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, String> ack : writers.acks.entrySet()) {
      List<String> at = stored.get(ack.getKey());
      if (at == null || !at.contains(ack.getValue())) {
        lost.add(ack.getKey() + " acknowledged at " + ack.getValue() + ", stored at " + at);
      }
    }
    assertThat(writers.acks.size()).as("acknowledged puts").isGreaterThan(CYCLES * 100);
    assertThat(lost.size())
        .as(
            "acknowledged puts missing after %d SIGKILLs; the first: %s",
            CYCLES, lost.subList(0, Math.min(20, lost.size())))
        .isZero();
  }

  private static void report(
      Writers writers, Map<String, List<String>> stored, List<Long> restartMillis) {
    long records = stored.values().stream().mapToLong(List::size).sum();
    long duplicates = stored.values().stream().mapToLong(s -> s.size() - 1).sum();
    long unacknowledged =
        stored.keySet().stream().filter(d -> !writers.acks.containsKey(d)).count();
    System.out.printf(
        "ServeDurabilityIT: %d puts acknowledged, %d failed (most while the server was down); %d records stored, %d distinct,"
            + " %d duplicates, %d stored without an acknowledgement; restart (kill to /ready)"
            + " ms: %s%n",
        writers.acks.size(),
        writers.failures.get(),
        records,
        stored.size(),
        duplicates,
        unacknowledged,
        restartMillis);
  }

  /**
   * Threads that put unique payloads without pause, one with putRecord and the others with
   * putRecords, and keep each payload whose put succeeded with the sequence number it got.
   */
  private static final class Writers {
    final Map<String, String> acks = new ConcurrentHashMap<>();
    final AtomicLong failures = new AtomicLong();
    private final KinesisTransport kinesis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> unexpected = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    Writers(KinesisTransport kinesis) {
      this.kinesis = kinesis;
    }

    void start() {
      for (int t = 0; t < WRITERS; t++) {
        int writer = t;
        Thread thread = new Thread(() -> write(writer), "durability-writer-" + t);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
      }
    }

    long acknowledged() {
      return acks.size();
    }

    private void write(int writer) {
      for (long n = 0; running.get(); n++) {
        List<PutEntry> batch = new ArrayList<>();
        int size = writer == 0 ? 1 : 1 + (int) (n % 40);
        for (int i = 0; i < size; i++) {
          String payload = "w" + writer + "-n" + n + "-i" + i;
          batch.add(PutEntry.of("key-" + (n * 31 + i) % 101, bytes(payload)));
        }
        try {
          if (writer == 0) {
            PutResult ok = kinesis.putRecord(STREAM, batch.get(0)).get(10, TimeUnit.SECONDS);
            acks.put(text(batch.get(0)), ok.sequenceNumber());
          } else {
            PutRecordsResult result = kinesis.putRecords(STREAM, batch).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < batch.size(); i++) {
              if (result.entries().get(i) instanceof PutResult ok) {
                acks.put(text(batch.get(i)), ok.sequenceNumber());
              } else {
                failures.incrementAndGet();
              }
            }
          }
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof KinesisLiteException)) {
            unexpected.compareAndSet(null, e.getCause());
            return;
          }
          failures.addAndGet(size);
          // the server is down: do not spin on refused connections
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        } catch (InterruptedException | TimeoutException | RuntimeException e) {
          unexpected.compareAndSet(null, e);
          return;
        }
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(thread.isAlive()).as("%s stopped", thread.getName()).isFalse();
      }
      if (unexpected.get() != null) {
        throw new AssertionError("a writer failed in an unexpected way", unexpected.get());
      }
    }

    private static byte[] bytes(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(PutEntry entry) {
      return new String(entry.data(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return acks.size()
          + " acknowledged, "
          + failures.get()
          + " failed"
          + (unexpected.get() != null ? ", a writer died of " + unexpected.get() : "");
    }
  }
}
