package io.kinesislite.kcl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.internal.PeerDefaults;
import io.kinesislite.testkit.internal.PeerFailures;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.io.File;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.kinesis.producer.Attempt;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordFailedException;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * The real KPL 1.0.7 (its native {@code kinesis_producer} child, speaking JSON 1.1 over HTTPS
 * through curl) aggregates user records into {@code serve} over TLS, and a kcl-lite {@link Worker}
 * consumes the stream through the AWS SDK transport: every user record arrives exactly once, with
 * its partition key, at the sequence number and shard the KPL reported, and many arrived inside
 * aggregates. This is what a user of the real KPL gets from {@code kinesis-lite serve}, configured
 * as {@code shared/reference/kpl.md} §6.3 says (region, endpoint and port, CloudWatch pointed at
 * serve too, metrics off, static credentials, an executable temp directory), once without
 * certificate checks and once trusting serve's generated certificate through {@code CaCertFile}.
 *
 * <p>The KPL's binary is for glibc Linux on x86-64 or aarch64 and needs {@code mkfifo}; elsewhere
 * the test is skipped, except in CI mode ({@code CI=true}), where it fails. A KPL whose child does
 * not start, or cannot talk to serve, always fails the test, within a minute: its log (level info,
 * through slf4j) says which call went wrong.
 */
class RealKplIntoServeIT {
  private static final String STREAM = "kpl-into-serve";
  private static final int SHARDS = 4;
  private static final Duration PRODUCE_WAIT = Duration.ofSeconds(60);
  private static final Duration CONSUME_WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private KinesisServer server;
  private KinesisTransport transport;
  private EmbeddedLeaseStore leases;
  private Worker worker;
  private KinesisProducer kpl;
  private long startNanos;
  private final List<String> phases = new ArrayList<>();

  /** Every delivery to a processor, by the user record's data. */
  private final Map<String, List<Delivery>> deliveries = new ConcurrentHashMap<>();

  /** The last millis-behind-latest each shard's processor saw. */
  private final Map<String, Long> behind = new ConcurrentHashMap<>();

  /** One user record as kcl-lite delivered it. */
  private record Delivery(
      String shardId,
      String partitionKey,
      Optional<String> explicitHashKey,
      String sequenceNumber,
      long sub,
      boolean aggregated) {}

  /** What the KPL said about one user record it put. */
  private record Sent(
      String partitionKey, String explicitHashKey, String shardId, String sequenceNumber) {}

  @BeforeEach
  void startServe() {
    requireKplPlatform();
    startNanos = System.nanoTime();
    server =
        KinesisServer.start(
            ServerConfig.builder()
                .port(0)
                .tls(true)
                .certificateOutput(tmp.resolve("serve.pem"))
                .build());
    transport =
        Transports.open(
            TransportConfig.builder()
                .selection(server.endpoint().toString())
                .trustSelfSignedCertificates(true)
                .build());
    await(transport.createStream(STREAM, SHARDS));
    await(transport.awaitStreamActive(STREAM, Duration.ofSeconds(30)));
    leases = EmbeddedLeaseStore.inMemory();
    mark("stream active on serve");
  }

  @AfterEach
  void stop() {
    System.out.println("[RealKplIntoServeIT] phases: " + String.join(", ", phases));
    if (kpl != null) {
      kpl.destroy();
    }
    if (worker != null) {
      worker.close();
    }
    if (leases != null) {
      leases.close();
    }
    if (transport != null) {
      transport.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyUserRecordTheKplAggregatesIntoServeWithoutCertificateChecksReachesKclLiteOnce()
      throws Exception {
    kpl = new KinesisProducer(kplConfig().setVerifyCertificate(false));

    mark("KPL started");
    Map<String, Sent> sent = new HashMap<>(awaitAggregating());
    mark("KPL aggregating");
    sent.putAll(put(userRecords(10_000)));
    mark("all futures done");
    consumeAndCheck(sent);
  }

  @Test
  void everyUserRecordTheKplAggregatesIntoServeTrustingItsCertificateReachesKclLiteOnce()
      throws Exception {
    Path pem = server.certificateFile().orElseThrow();
    kpl =
        new KinesisProducer(
            kplConfig().setVerifyCertificate(true).setCaCertFile(pem.toAbsolutePath().toString()));

    mark("KPL started");
    Map<String, Sent> sent = new HashMap<>(awaitAggregating());
    mark("KPL aggregating");
    sent.putAll(put(userRecords(3_000)));
    mark("all futures done");
    consumeAndCheck(sent);
  }

  private KinesisProducerConfiguration kplConfig() throws Exception {
    Path kplTmp = Files.createDirectories(tmp.resolve("kpl"));
    assertThat(kplTmp.toFile().setExecutable(true, true)).isTrue();
    return new KinesisProducerConfiguration()
        .setRegion("us-east-1")
        .setKinesisEndpoint("127.0.0.1")
        .setKinesisPort(server.port())
        .setCloudwatchEndpoint("127.0.0.1")
        .setCloudwatchPort(server.port())
        .setMetricsLevel("none")
        .setCredentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
        .setTempDirectory(kplTmp.toString())
        .setAggregationEnabled(true)
        .setRecordMaxBufferedTime(100)
        .setRecordTtl(30_000)
        .setLogLevel("info");
  }

  /**
   * Puts waves of 10 user records with one partition key until a wave comes back aggregated (the
   * records share a sequence number). The KPL sends records unaggregated until its shard map (from
   * ListShards) has landed, so without this almost every record of a burst added right after start
   * would travel alone.
   *
   * @return what the KPL reported for the warm-up records, by their data
   */
  private Map<String, Sent> awaitAggregating() throws Exception {
    Map<String, Sent> sent = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (int wave = 0; ; wave++) {
      List<UserRecord> records = new ArrayList<>();
      for (int j = 0; j < 10; j++) {
        records.add(new UserRecord("warm-up-" + wave + "-" + j, "warm-up", null));
      }
      Map<String, Sent> wavePut = put(records);
      sent.putAll(wavePut);
      if (wavePut.values().stream().map(Sent::sequenceNumber).distinct().count() < 10) {
        return sent;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "the KPL sent no aggregate in 30 s: its shard map of serve's stream never landed"
                + " (ListShards; see its log above)");
      }
    }
  }

  /** One user record to put; {@code explicitHashKey} may be null. */
  private record UserRecord(String data, String partitionKey, String explicitHashKey) {}

  /**
   * Returns {@code count} user records with varied partition keys: many sharing a key, some unique,
   * some not ASCII, every 50th with an explicit hash key; data of 10 to 210 bytes.
   */
  private static List<UserRecord> userRecords(int count) {
    List<UserRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String pk =
          switch (i % 4) {
            case 0 -> "customer-" + (i % 97);
            case 1 -> "order-" + i;
            case 2 -> "ключ-" + (i % 31);
            default -> "k" + Integer.toHexString(i * 0x9E3779B1);
          };
      records.add(
          new UserRecord(
              "record-" + i + "-" + "x".repeat(i % 200),
              pk,
              i % 50 == 49 ? explicitHashKey(i) : null));
    }
    return records;
  }

  /**
   * Adds the records, flushes, and waits for every future.
   *
   * @return what the KPL reported for each record, by its data
   */
  private Map<String, Sent> put(List<UserRecord> records) throws InterruptedException {
    List<ListenableFuture<UserRecordResult>> futures = new ArrayList<>(records.size());
    for (UserRecord r : records) {
      ByteBuffer bytes = ByteBuffer.wrap(r.data().getBytes(StandardCharsets.UTF_8));
      futures.add(
          r.explicitHashKey() != null
              ? kpl.addUserRecord(STREAM, r.partitionKey(), r.explicitHashKey(), bytes)
              : kpl.addUserRecord(STREAM, r.partitionKey(), bytes));
    }
    kpl.flush();

    Map<String, Sent> sent = new HashMap<>();
    long deadline = System.nanoTime() + PRODUCE_WAIT.toNanos();
    for (int i = 0; i < records.size(); i++) {
      UserRecord r = records.get(i);
      UserRecordResult result = result(futures.get(i), deadline, r.data());
      sent.put(
          r.data(),
          new Sent(
              r.partitionKey(),
              r.explicitHashKey(),
              result.getShardId(),
              result.getSequenceNumber()));
    }
    return sent;
  }

  /** A hash key spread over the whole 128-bit space, as a decimal string. */
  private static String explicitHashKey(int i) {
    return BigInteger.ONE
        .shiftLeft(128)
        .subtract(BigInteger.ONE)
        .divide(BigInteger.valueOf(1_000))
        .multiply(BigInteger.valueOf(i % 1_000))
        .toString();
  }

  private UserRecordResult result(
      ListenableFuture<UserRecordResult> future, long deadline, String what)
      throws InterruptedException {
    try {
      UserRecordResult r =
          future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(r.isSuccessful()).as("KPL result of %s: %s", what, attempts(r)).isTrue();
      return r;
    } catch (TimeoutException e) {
      throw new AssertionError(
          "the KPL did not complete the future of "
              + what
              + " within "
              + PRODUCE_WAIT
              + "; outstanding: "
              + kpl.getOutstandingRecordsCount()
              + " (see its log above)",
          e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UserRecordFailedException failed) {
        throw new AssertionError(
            "the KPL failed " + what + ": " + attempts(failed.getResult()), failed);
      }
      throw new AssertionError(
          "the KPL failed " + what + " (did its native child start? see its log above)",
          e.getCause());
    }
  }

  private static String attempts(UserRecordResult r) {
    return r.getAttempts().stream()
        .map(
            (Attempt a) ->
                a.isSuccessful()
                    ? "ok after " + a.getDuration() + " ms"
                    : a.getErrorCode() + ": " + a.getErrorMessage())
        .collect(Collectors.joining("; ", "attempts [", "]"));
  }

  private void consumeAndCheck(Map<String, Sent> sent) {
    worker =
        Worker.create(
            ConsumerConfig.builder()
                .applicationName("kpl-into-serve-app")
                .streamName(STREAM)
                .workerId("w1")
                .initialPosition(InitialPosition.trimHorizon())
                .takeInterval(Duration.ofMillis(200))
                .idleWait(Duration.ofMillis(250))
                .build(),
            transport,
            leases,
            shardId -> new Collecting());
    worker.start();

    Eventually.within(
        CONSUME_WAIT,
        "kcl-lite delivered all " + sent.size() + " user records and every shard is caught up",
        () -> deliveries.size() >= sent.size() && caughtUp(),
        () -> deliveries.size() + " distinct delivered; millis behind by shard " + behind);
    mark("kcl-lite caught up");

    List<Shard> shards = await(transport.listShards(STREAM));
    assertThat(deliveries.keySet()).isEqualTo(sent.keySet());
    Map<String, Delivery> once = new HashMap<>();
    deliveries.forEach(
        (data, got) -> {
          assertThat(got).as("deliveries of %s", data).hasSize(1);
          once.put(data, got.get(0));
        });
    sent.forEach(
        (data, s) -> {
          Delivery d = once.get(data);
          assertThat(d.partitionKey()).as("partition key of %s", data).isEqualTo(s.partitionKey());
          assertThat(d.shardId()).as("shard of %s", data).isEqualTo(s.shardId());
          if (d.aggregated() && s.explicitHashKey() != null) {
            assertThat(d.explicitHashKey())
                .as("explicit hash key of %s", data)
                .contains(s.explicitHashKey());
          }
          assertThat(d.sequenceNumber())
              .as("sequence number of %s", data)
              .isEqualTo(s.sequenceNumber());
        });
    assertThat(shards).hasSize(SHARDS);
    Set<String> shardsUsed =
        once.values().stream().map(Delivery::shardId).collect(Collectors.toSet());
    assertThat(shardsUsed).as("shards written").hasSize(SHARDS);

    // Aggregation, judged on the burst put once the KPL's shard map had landed.
    List<Delivery> burst =
        once.entrySet().stream()
            .filter(e -> e.getKey().startsWith("record-"))
            .map(Map.Entry::getValue)
            .toList();
    Map<String, Long> usersPerKinesisRecord =
        burst.stream()
            .collect(Collectors.groupingBy(Delivery::sequenceNumber, Collectors.counting()));
    long aggregates = usersPerKinesisRecord.values().stream().filter(n -> n > 1).count();
    Map<String, List<Long>> subsByKinesisRecord =
        once.values().stream()
            .collect(
                Collectors.groupingBy(
                    Delivery::sequenceNumber,
                    Collectors.mapping(Delivery::sub, Collectors.toList())));
    subsByKinesisRecord.forEach(
        (seq, subs) ->
            assertThat(subs)
                .as("sub-sequence numbers inside %s", seq)
                .containsExactlyInAnyOrderElementsOf(
                    java.util.stream.LongStream.range(0, subs.size()).boxed().toList()));
    System.out.printf(
        Locale.ROOT,
        "[RealKplIntoServeIT] %d user records in %d Kinesis records (%d aggregates of >1),"
            + " after %d warm-up records%n",
        burst.size(),
        usersPerKinesisRecord.size(),
        aggregates,
        once.size() - burst.size());
    assertThat(aggregates).as("Kinesis records carrying more than one user record").isPositive();
    assertThat(usersPerKinesisRecord.size())
        .as("Kinesis records carrying the burst's user records")
        .isLessThan(burst.size() / 10);
    assertThat(burst.stream().filter(Delivery::aggregated).count())
        .as("user records kcl-lite took out of aggregates")
        .isGreaterThan(burst.size() * 9L / 10);
  }

  private void mark(String phase) {
    phases.add(
        phase + " at " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
  }

  private boolean caughtUp() {
    return behind.size() == SHARDS && behind.values().stream().allMatch(b -> b == 0);
  }

  /** Records every delivery and checkpoints each batch. */
  private final class Collecting implements RecordProcessor {
    private String shardId;

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      this.shardId = shardId;
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      for (ConsumerRecord r : records) {
        deliveries
            .computeIfAbsent(
                new String(r.dataBytes(), StandardCharsets.UTF_8),
                k -> java.util.Collections.synchronizedList(new ArrayList<>()))
            .add(
                new Delivery(
                    shardId,
                    r.partitionKey(),
                    r.explicitHashKey(),
                    r.sequenceNumber(),
                    r.subSequenceNumber(),
                    r.aggregated()));
      }
      behind.put(shardId, millisBehind);
      if (!records.isEmpty()) {
        checkpointer.checkpoint();
      }
    }

    @Override
    public void leaseLost() {}

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      checkpointer.checkpoint();
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {}
  }

  /**
   * Skips (fails in CI mode) where the KPL's native binary cannot run: it ships glibc builds for
   * Linux x86-64 and aarch64 only, and makes its pipes with {@code mkfifo}.
   */
  private static void requireKplPlatform() {
    boolean ci = PeerDefaults.ciMode();
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")
        || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
      throw PeerFailures.unavailable(
          ci,
          "The real KPL's native binary runs on Linux x86-64 or aarch64 only, not on "
              + os
              + " "
              + arch
              + ".");
    }
    Path loader =
        Path.of(
            arch.equals("aarch64") ? "/lib/ld-linux-aarch64.so.1" : "/lib64/ld-linux-x86-64.so.2");
    if (!Files.exists(loader)) {
      throw PeerFailures.unavailable(
          ci, "The real KPL's native binary needs glibc, and " + loader + " does not exist.");
    }
    boolean mkfifo =
        java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "mkfifo")));
    if (!mkfifo) {
      throw PeerFailures.unavailable(
          ci, "The real KPL makes its pipes with mkfifo, which is not on the PATH.");
    }
  }
}
