package io.kinesislite.kpl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.ProducerConfig.MetricsGranularity;
import io.kinesislite.kpl.ProducerConfig.MetricsLevel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MicrometerProducerMetricsTest {
  private static final String NS = "KinesisProducerLibrary";
  private static final String S = "orders";
  private static final String SHARD = "shardId-000000000001";

  private static final Set<String> SUMMARY_NAMES =
      Set.of(
          "UserRecordsPut",
          "KinesisRecordsPut",
          "ErrorsByCode",
          "AllErrors",
          "BufferingTime",
          "UserRecordExpired");
  private static final Set<String> DETAILED_ONLY_NAMES =
      Set.of(
          "UserRecordsReceived",
          "UserRecordsPending",
          "UserRecordsDataPut",
          "KinesisRecordsDataPut",
          "RetriesPerRecord",
          "RequestTime",
          "UserRecordsPerKinesisRecord",
          "KinesisRecordsPerPutRecordsRequest",
          "UserRecordsPerPutRecordsRequest");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private MicrometerProducerMetrics metrics(MetricsLevel level, MetricsGranularity granularity) {
    return new MicrometerProducerMetrics(registry, level, granularity, NS);
  }

  // Calls every hook once, on stream S and shard SHARD.
  private static void callEveryHook(ProducerMetrics m) {
    m.userRecordReceived(S);
    m.userRecordsPut(S, SHARD, 3, 300);
    m.bufferingTime(S, SHARD, 40);
    m.retriesPerRecord(S, SHARD, 1);
    m.kinesisRecordsPut(S, SHARD, 1, 320);
    m.userRecordsPerKinesisRecord(S, SHARD, 3);
    m.putRecordsRequest(S, 25, 1, 3);
    m.error(S, SHARD, "ProvisionedThroughputExceededException");
    m.userRecordExpired(S, SHARD);
    m.userRecordsPending(7);
  }

  private Set<String> shortNames() {
    return registry.getMeters().stream()
        .map(meter -> meter.getId().getName().substring(NS.length() + 1))
        .collect(Collectors.toSet());
  }

  private Set<String> tagKeys(String name) {
    return registry.find(NS + "." + name).meters().stream()
        .flatMap(meter -> meter.getId().getTags().stream())
        .map(Tag::getKey)
        .collect(Collectors.toSet());
  }

  private Counter counter(String name, String... tags) {
    return registry.get(NS + "." + name).tags(tags).counter();
  }

  @Test
  void detailedRegistersEveryKplMetricUnderTheNamespace() {
    callEveryHook(metrics(MetricsLevel.DETAILED, MetricsGranularity.SHARD));

    assertThat(registry.getMeters())
        .allSatisfy(meter -> assertThat(meter.getId().getName()).startsWith(NS + "."));
    Set<String> all = new HashSet<>(SUMMARY_NAMES);
    all.addAll(DETAILED_ONLY_NAMES);
    assertThat(shortNames()).isEqualTo(all);
  }

  @Test
  void namespaceIsTheNamePrefix() {
    new MicrometerProducerMetrics(
            registry, MetricsLevel.SUMMARY, MetricsGranularity.GLOBAL, "MyApp/Producer")
        .userRecordsPut(S, SHARD, 1, 1);

    assertThat(registry.get("MyApp/Producer.UserRecordsPut").counter().count()).isEqualTo(1);
  }

  @Test
  void summaryRegistersNoneOfTheDetailedOnlyMeters() {
    callEveryHook(metrics(MetricsLevel.SUMMARY, MetricsGranularity.SHARD));

    assertThat(shortNames()).isEqualTo(SUMMARY_NAMES);
  }

  @Test
  void levelNoneGivesTheNoOpMetrics() {
    ProducerConfig none = ProducerConfig.builder().metricsLevel(MetricsLevel.NONE).build();

    assertThat(MicrometerProducerMetrics.of(registry, none)).isSameAs(ProducerMetrics.NONE);
    assertThatThrownBy(() -> metrics(MetricsLevel.NONE, MetricsGranularity.SHARD))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void nullRegistryGivesTheNoOpMetrics() {
    assertThat(MicrometerProducerMetrics.of(null, ProducerConfig.builder().build()))
        .isSameAs(ProducerMetrics.NONE);
  }

  @Test
  void ofTakesLevelGranularityAndNamespaceFromTheConfig() {
    ProducerConfig config =
        ProducerConfig.builder()
            .metricsLevel(MetricsLevel.SUMMARY)
            .metricsGranularity(MetricsGranularity.STREAM)
            .metricsNamespace("Shop")
            .build();

    callEveryHook(MicrometerProducerMetrics.of(registry, config));

    assertThat(registry.get("Shop.UserRecordsPut").counter().getId().getTags())
        .containsExactly(Tag.of("StreamName", S));
    assertThat(registry.find("Shop.UserRecordsReceived").meter()).isNull();
  }

  @Test
  void globalGranularityTagsNeitherStreamNorShard() {
    callEveryHook(metrics(MetricsLevel.DETAILED, MetricsGranularity.GLOBAL));

    for (Meter meter : registry.getMeters()) {
      assertThat(meter.getId().getTags())
          .extracting(Tag::getKey)
          .as(meter.getId().getName())
          .doesNotContain("StreamName", "ShardId");
    }
    assertThat(tagKeys("ErrorsByCode")).containsExactly("ErrorCode");
  }

  @Test
  void streamGranularityTagsTheStreamOnly() {
    callEveryHook(metrics(MetricsLevel.DETAILED, MetricsGranularity.STREAM));

    for (Meter meter : registry.getMeters()) {
      String name = meter.getId().getName();
      Set<String> expected =
          name.endsWith(".UserRecordsPending")
              ? Set.of()
              : name.endsWith(".ErrorsByCode")
                  ? Set.of("StreamName", "ErrorCode")
                  : Set.of("StreamName");
      assertThat(meter.getId().getTags())
          .extracting(Tag::getKey)
          .as(name)
          .hasSameElementsAs(expected);
    }
    assertThat(counter("UserRecordsPut", "StreamName", S).count()).isEqualTo(3);
  }

  @Test
  void shardGranularityTagsStreamAndShardExceptWhereTheHookGivesNoShard() {
    callEveryHook(metrics(MetricsLevel.DETAILED, MetricsGranularity.SHARD));

    Set<String> streamOnly =
        Set.of(
            "UserRecordsReceived",
            "RequestTime",
            "KinesisRecordsPerPutRecordsRequest",
            "UserRecordsPerPutRecordsRequest");
    for (String name : shortNames()) {
      Set<String> expected;
      if (name.equals("UserRecordsPending")) {
        expected = Set.of();
      } else if (streamOnly.contains(name)) {
        expected = Set.of("StreamName");
      } else if (name.equals("ErrorsByCode")) {
        expected = Set.of("StreamName", "ShardId", "ErrorCode");
      } else {
        expected = Set.of("StreamName", "ShardId");
      }
      assertThat(tagKeys(name)).as(name).isEqualTo(expected);
    }
    assertThat(counter("UserRecordsPut", "StreamName", S, "ShardId", SHARD).count()).isEqualTo(3);
    assertThat(
            registry
                .get(NS + ".RequestTime")
                .tags("StreamName", S)
                .timer()
                .totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(25);
  }

  @Test
  void shardsAndStreamsGetSeparateSeries() {
    ProducerMetrics m = metrics(MetricsLevel.SUMMARY, MetricsGranularity.SHARD);

    m.userRecordsPut(S, "shardId-0", 1, 10);
    m.userRecordsPut(S, "shardId-1", 2, 20);
    m.userRecordsPut("payments", "shardId-0", 4, 40);

    assertThat(counter("UserRecordsPut", "StreamName", S, "ShardId", "shardId-0").count())
        .isEqualTo(1);
    assertThat(counter("UserRecordsPut", "StreamName", S, "ShardId", "shardId-1").count())
        .isEqualTo(2);
    assertThat(counter("UserRecordsPut", "StreamName", "payments", "ShardId", "shardId-0").count())
        .isEqualTo(4);
    assertThat(registry.find(NS + ".UserRecordsPut").counters()).hasSize(3);
  }

  @Test
  void countsAndAmountsAccumulate() {
    ProducerMetrics m = metrics(MetricsLevel.DETAILED, MetricsGranularity.SHARD);

    for (int i = 0; i < 5; i++) {
      m.userRecordReceived(S);
      m.userRecordsPut(S, SHARD, 10, 1_000);
      m.kinesisRecordsPut(S, SHARD, 2, 1_100);
      m.bufferingTime(S, SHARD, 100 + i);
      m.retriesPerRecord(S, SHARD, i);
      m.userRecordsPerKinesisRecord(S, SHARD, 5);
      m.putRecordsRequest(S, 30, 2, 10);
      m.userRecordExpired(S, SHARD);
    }

    String[] shard = {"StreamName", S, "ShardId", SHARD};
    assertThat(counter("UserRecordsReceived", "StreamName", S).count()).isEqualTo(5);
    assertThat(counter("UserRecordsPut", shard).count()).isEqualTo(50);
    assertThat(counter("UserRecordsDataPut", shard).count()).isEqualTo(5_000);
    assertThat(counter("KinesisRecordsPut", shard).count()).isEqualTo(10);
    assertThat(counter("KinesisRecordsDataPut", shard).count()).isEqualTo(5_500);
    assertThat(counter("UserRecordExpired", shard).count()).isEqualTo(5);

    Timer buffering = registry.get(NS + ".BufferingTime").tags(shard).timer();
    assertThat(buffering.count()).isEqualTo(5);
    assertThat(buffering.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(510);
    assertThat(buffering.max(TimeUnit.MILLISECONDS)).isEqualTo(104);

    DistributionSummary retries = registry.get(NS + ".RetriesPerRecord").tags(shard).summary();
    assertThat(retries.count()).isEqualTo(5);
    assertThat(retries.totalAmount()).isEqualTo(10);
    assertThat(retries.mean()).isEqualTo(2);

    assertThat(registry.get(NS + ".UserRecordsPerKinesisRecord").summary().mean()).isEqualTo(5);
    Timer request = registry.get(NS + ".RequestTime").timer();
    assertThat(request.count()).isEqualTo(5);
    assertThat(request.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(150);
    assertThat(registry.get(NS + ".KinesisRecordsPerPutRecordsRequest").summary().totalAmount())
        .isEqualTo(10);
    assertThat(registry.get(NS + ".UserRecordsPerPutRecordsRequest").summary().totalAmount())
        .isEqualTo(50);
  }

  @Test
  void errorCodesAreSeparateSeriesAndAllErrorsCountsThemAll() {
    ProducerMetrics m = metrics(MetricsLevel.SUMMARY, MetricsGranularity.STREAM);

    m.error(S, SHARD, "ProvisionedThroughputExceededException");
    m.error(S, "shardId-000000000002", "ProvisionedThroughputExceededException");
    m.error(S, SHARD, "InternalFailure");
    m.error(S, SHARD, "Expired");

    assertThat(counter("AllErrors", "StreamName", S).count()).isEqualTo(4);
    assertThat(
            counter(
                    "ErrorsByCode",
                    "StreamName",
                    S,
                    "ErrorCode",
                    "ProvisionedThroughputExceededException")
                .count())
        .isEqualTo(2);
    assertThat(counter("ErrorsByCode", "ErrorCode", "InternalFailure").count()).isEqualTo(1);
    assertThat(counter("ErrorsByCode", "ErrorCode", "Expired").count()).isEqualTo(1);
    assertThat(registry.find(NS + ".ErrorsByCode").counters()).hasSize(3);
  }

  @Test
  void nullStreamShardAndCodeAreTaggedUnknown() {
    ProducerMetrics m = metrics(MetricsLevel.SUMMARY, MetricsGranularity.SHARD);

    m.error(null, null, null);

    assertThat(
            counter("ErrorsByCode", "StreamName", "unknown", "ShardId", "unknown")
                .getId()
                .getTag("ErrorCode"))
        .isEqualTo("unknown");
    assertThat(counter("AllErrors", "StreamName", "unknown", "ShardId", "unknown").count())
        .isEqualTo(1);
  }

  @Test
  void pendingGaugeFollowsTheLastValue() {
    ProducerMetrics m = metrics(MetricsLevel.DETAILED, MetricsGranularity.SHARD);
    var gauge = registry.get(NS + ".UserRecordsPending").gauge();

    assertThat(gauge.value()).isEqualTo(0);
    m.userRecordsPending(1_200);
    assertThat(gauge.value()).isEqualTo(1_200);
    m.userRecordsPending(5);
    assertThat(gauge.value()).isEqualTo(5);
    assertThat(gauge.getId().getTags()).isEmpty();
  }

  @Test
  void repeatedCallsReuseTheSameMeters() {
    ProducerMetrics m = metrics(MetricsLevel.DETAILED, MetricsGranularity.SHARD);
    callEveryHook(m);
    int meters = registry.getMeters().size();
    Counter put = counter("UserRecordsPut", "StreamName", S, "ShardId", SHARD);

    for (int i = 0; i < 10_000; i++) {
      callEveryHook(m);
    }

    assertThat(registry.getMeters()).hasSize(meters);
    assertThat(counter("UserRecordsPut", "StreamName", S, "ShardId", SHARD)).isSameAs(put);
    assertThat(put.count()).isEqualTo(3 * 10_001);
  }

  @Test
  void steadyStateCallsDoNotAllocate() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
    ProducerMetrics m = metrics(MetricsLevel.DETAILED, MetricsGranularity.SHARD);
    for (int i = 0; i < 1_000; i++) {
      callEveryHook(m);
    }
    long id = Thread.currentThread().getId();
    int calls = 100_000;

    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < calls / 10; i++) {
      callEveryHook(m);
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;

    // An allocation is at least 16 bytes, so under a byte per call means none on the call path.
    assertThat(allocated).isLessThan(calls);
  }

  @Test
  void concurrentFirstUseMakesOneSeriesAndLosesNoCounts() throws Exception {
    ProducerMetrics m = metrics(MetricsLevel.DETAILED, MetricsGranularity.SHARD);
    int threads = 4;
    int perThread = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        tasks.add(
            () -> {
              start.await(10, TimeUnit.SECONDS);
              for (int i = 0; i < perThread; i++) {
                m.userRecordsPut(S, SHARD, 1, 10);
                m.error(S, SHARD, "InternalFailure");
              }
              return null;
            });
      }
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> task : tasks) {
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(registry.find(NS + ".UserRecordsPut").counters()).hasSize(1);
    assertThat(counter("UserRecordsPut", "StreamName", S, "ShardId", SHARD).count())
        .isEqualTo(threads * perThread);
    assertThat(counter("ErrorsByCode", "ErrorCode", "InternalFailure").count())
        .isEqualTo(threads * perThread);
  }
}
