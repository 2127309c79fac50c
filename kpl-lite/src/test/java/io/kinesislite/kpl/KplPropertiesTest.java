package io.kinesislite.kpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.kpl.ProducerConfig.MetricsLevel;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.TransportSelection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A KPL properties file: what it becomes, and what it reports it does not use. */
class KplPropertiesTest {
  /** Every key of reference/kpl.md section 1.4. */
  private static final Set<String> KPL_KEYS =
      Set.of(
          "AggregationEnabled",
          "AggregationMaxCount",
          "AggregationMaxSize",
          "CollectionMaxCount",
          "CollectionMaxSize",
          "ConnectTimeout",
          "RequestTimeout",
          "RecordMaxBufferedTime",
          "RecordTtl",
          "RateLimit",
          "FailIfThrottled",
          "MaxConnections",
          "MinConnections",
          "KinesisEndpoint",
          "KinesisPort",
          "CloudwatchEndpoint",
          "CloudwatchPort",
          "StsEndpoint",
          "StsPort",
          "Region",
          "VerifyCertificate",
          "CaCertPath",
          "CaCertFile",
          "ProxyHost",
          "ProxyPort",
          "ProxyUserName",
          "ProxyPassword",
          "LogLevel",
          "MetricsLevel",
          "MetricsGranularity",
          "MetricsNamespace",
          "MetricsUploadDelay",
          "ThreadingModel",
          "ThreadPoolSize",
          "EnableCoreDumps",
          "CredentialsRefreshDelay",
          "NativeExecutable",
          "TempDirectory",
          "MaxUserRecordSize",
          "UserRecordTimeoutInMillis",
          "EnableOldestFutureTracker",
          "ReturnUserRecordOnFailure",
          "EnableDaemonHealthCheck",
          "DaemonHealthCheckTimeoutMs",
          "GlueSchemaRegistryPropertiesFilePath");

  /** The keys that only mean something to the KPL's native process or its Java wrapper. */
  private static final List<String> NOT_USED_KEYS =
      List.of(
          "NativeExecutable",
          "TempDirectory",
          "ThreadingModel",
          "ThreadPoolSize",
          "EnableCoreDumps",
          "LogLevel",
          "CredentialsRefreshDelay",
          "EnableDaemonHealthCheck",
          "DaemonHealthCheckTimeoutMs",
          "EnableOldestFutureTracker",
          "ReturnUserRecordOnFailure",
          "UserRecordTimeoutInMillis",
          "MinConnections",
          "MetricsUploadDelay",
          "CloudwatchEndpoint",
          "CloudwatchPort",
          "StsEndpoint",
          "StsPort",
          "CaCertPath",
          "CaCertFile",
          "ProxyHost",
          "ProxyPort",
          "ProxyUserName",
          "ProxyPassword",
          "GlueSchemaRegistryPropertiesFilePath");

  private static Path resource(String name) {
    try {
      return Path.of(KplPropertiesTest.class.getResource("/kpl-properties/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Properties properties(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  private static String noteFor(KplProperties kpl, String key) {
    return kpl.notes().stream()
        .filter(n -> n.startsWith(key + "=") || n.startsWith(key + " "))
        .findFirst()
        .orElse(null);
  }

  @Test
  void theDefaultsFileListsEveryKplKey() {
    assertThat(defaultsFile().stringPropertyNames()).containsExactlyInAnyOrderElementsOf(KPL_KEYS);
  }

  @Test
  void theAppliedKeysAreTheKplKeysInUseAndKinesisLitesOwn() {
    Set<String> expected = new java.util.TreeSet<>(KPL_KEYS);
    NOT_USED_KEYS.forEach(expected::remove);
    expected.addAll(
        List.of(
            "MaxOutstandingRecords",
            "MaxOutstandingBytes",
            "BufferFullWait",
            "StrictOrdering",
            "CloseTimeout"));

    assertThat(List.copyOf(KplProperties.appliedKeys()))
        .containsExactlyInAnyOrderElementsOf(expected)
        .isSorted();
  }

  private static Properties defaultsFile() {
    Properties file = new Properties();
    try (InputStream in =
        KplPropertiesTest.class.getResourceAsStream("/kpl-properties/kpl-defaults.properties")) {
      file.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * The file leaves Region and KinesisEndpoint empty, as the KPL's defaults do, and then no
   * transport config comes out; so the transport side is compared with each of them set as well.
   * The KPL's connect and request timeouts (6 s each) and MaxConnections (24) differ from the
   * {@link TransportConfig} defaults, so a key that is dropped shows.
   */
  @Test
  void aFileOfTheKplDefaultsGivesTheSameEffectiveSettings() {
    KplProperties kpl = KplProperties.load(resource("kpl-defaults.properties"));

    assertThat(kpl.producerConfig()).isEqualTo(ProducerConfig.defaults());
    assertThat(kpl.transportConfig()).isEmpty();

    Properties withRegion = defaultsFile();
    withRegion.setProperty("Region", "us-east-1");
    TransportConfig aws = KplProperties.from(withRegion).transportConfig().orElseThrow();
    assertThat(aws)
        .usingRecursiveComparison()
        .isEqualTo(
            TransportConfig.builder()
                .selection("aws:us-east-1")
                .region("us-east-1")
                .connectTimeout(Duration.ofMillis(6000))
                .callTimeout(Duration.ofMillis(6000))
                .maxConcurrency(24)
                .build());

    Properties withEndpoint = defaultsFile();
    withEndpoint.setProperty("KinesisEndpoint", "127.0.0.1");
    KplProperties local = KplProperties.from(withEndpoint);
    assertThat(local.producerConfig()).isEqualTo(ProducerConfig.defaults());
    assertThat(local.transportConfig().orElseThrow())
        .usingRecursiveComparison()
        .isEqualTo(
            TransportConfig.builder()
                .selection("https://127.0.0.1:443") // KinesisPort = 443
                .region("us-east-1")
                .trustSelfSignedCertificates(false) // VerifyCertificate = true
                .connectTimeout(Duration.ofMillis(6000))
                .callTimeout(Duration.ofMillis(6000))
                .maxConcurrency(24)
                .build());
  }

  @Test
  void theKplsWidestConnectTimeoutAndMaxConnectionsReachTheTransport() {
    TransportConfig widest =
        KplProperties.from(
                properties(
                    "Region", "us-east-1", "ConnectTimeout", "300000", "MaxConnections", "256"))
            .transportConfig()
            .orElseThrow();
    assertThat(widest.connectTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(widest.callTimeout()).isEqualTo(TransportConfig.DEFAULT_CALL_TIMEOUT);
    assertThat(widest.maxConcurrency()).isEqualTo(256);

    TransportConfig narrowest =
        KplProperties.from(
                properties("Region", "us-east-1", "ConnectTimeout", "100", "MaxConnections", "1"))
            .transportConfig()
            .orElseThrow();
    assertThat(narrowest.connectTimeout()).isEqualTo(Duration.ofMillis(100));
    assertThat(narrowest.maxConcurrency()).isEqualTo(1);

    assertThatThrownBy(
            () ->
                KplProperties.from(
                    properties(
                        "Region",
                        "us-east-1",
                        "ConnectTimeout",
                        "300001",
                        "MaxConnections",
                        "257")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "ConnectTimeout=300001 is out of range: must be between 100 and 300000")
        .hasMessageContaining("MaxConnections=257 is out of range: must be between 1 and 256");
  }

  @Test
  void theDefaultsFileReportsEveryKeyItDoesNotUseWithAReason() {
    KplProperties kpl = KplProperties.load(resource("kpl-defaults.properties"));

    for (String key : NOT_USED_KEYS) {
      assertThat(noteFor(kpl, key)).as(key).isNotNull().contains(" is not used: ");
    }
    assertThat(noteFor(kpl, "LogLevel")).contains("SLF4J backend");
    assertThat(noteFor(kpl, "CloudwatchEndpoint")).contains("Micrometer");
    assertThat(noteFor(kpl, "ReturnUserRecordOnFailure")).contains("attempts");
    assertThat(noteFor(kpl, "UserRecordTimeoutInMillis")).contains("RecordTtl");
    for (String key :
        List.of("KinesisPort", "VerifyCertificate", "ConnectTimeout", "RequestTimeout")) {
      assertThat(noteFor(kpl, key))
          .as(key)
          .contains(" is not applied: without Region or KinesisEndpoint");
    }
    assertThat(noteFor(kpl, "MaxConnections"))
        .isEqualTo(
            "MaxConnections=24 is not applied: without Region or KinesisEndpoint there is no"
                + " transport config; choose the transport in code");
    assertThat(kpl.notes()).hasSize(NOT_USED_KEYS.size() + 5).noneMatch(n -> n.contains("unknown"));
    assertThat(noteFor(kpl, "Region")).isNull();
    assertThat(noteFor(kpl, "AggregationMaxSize")).isNull();
  }

  @Test
  void anEmulatorSetupMapsToAnHttpsEndpointTrustingSelfSignedCertificates() {
    KplProperties kpl = KplProperties.load(resource("kpl-emulator.properties"));

    TransportConfig t = kpl.transportConfig().orElseThrow();
    assertThat(t.selection().toString()).isEqualTo("https://127.0.0.1:4567");
    assertThat(t.selection().kind()).isEqualTo(TransportSelection.Kind.ENDPOINT);
    assertThat(t.selection().endpoint()).contains(URI.create("https://127.0.0.1:4567"));
    assertThat(t.region()).contains("us-east-1");
    assertThat(t.trustSelfSignedCertificates()).isTrue();
    assertThat(t.callTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(t.connectTimeout()).isEqualTo(TransportConfig.DEFAULT_CONNECT_TIMEOUT);
    assertThat(t.maxConcurrency()).isEqualTo(16);
    assertThat(t.maxRecordSize()).isEqualTo(TransportConfig.DEFAULT_MAX_RECORD_SIZE);
    assertThat(kpl.producerConfig())
        .isEqualTo(ProducerConfig.builder().metricsLevel(MetricsLevel.NONE).build());
    assertThat(kpl.notes())
        .hasSize(6)
        .allMatch(n -> n.contains(" is not used: "))
        .anyMatch(n -> n.startsWith("ThreadPoolSize=16 is not used: "))
        .anyMatch(n -> n.startsWith("CloudwatchPort=4567 is not used: "));
  }

  @Test
  void aRegionWithoutEndpointSelectsRealKinesisInThatRegion() {
    KplProperties kpl =
        KplProperties.from(properties("Region", "eu-west-1", "ConnectTimeout", "6000"));

    TransportConfig t = kpl.transportConfig().orElseThrow();
    assertThat(t.selection().toString()).isEqualTo("aws:eu-west-1");
    assertThat(t.selection().kind()).isEqualTo(TransportSelection.Kind.AWS);
    assertThat(t.region()).contains("eu-west-1");
    assertThat(t.trustSelfSignedCertificates()).isFalse();
    assertThat(t.connectTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(t.callTimeout()).isEqualTo(TransportConfig.DEFAULT_CALL_TIMEOUT);
    assertThat(kpl.notes()).isEmpty();
  }

  @Test
  void aKinesisPortWithoutEndpointIsReported() {
    KplProperties kpl = KplProperties.from(properties("Region", "eu-west-1", "KinesisPort", "443"));

    assertThat(kpl.transportConfig().orElseThrow().selection().toString())
        .isEqualTo("aws:eu-west-1");
    assertThat(kpl.notes())
        .containsExactly(
            "KinesisPort=443 is not applied: it only goes with KinesisEndpoint; aws:REGION uses"
                + " the region's standard endpoint");
  }

  @Test
  void anEndpointWithoutRegionOrPortIsHttpsOn443SignedForUsEast1() {
    KplProperties kpl = KplProperties.from(properties("KinesisEndpoint", "kinesis.internal"));

    TransportConfig t = kpl.transportConfig().orElseThrow();
    assertThat(t.selection().toString()).isEqualTo("https://kinesis.internal:443");
    assertThat(t.region()).contains("us-east-1");
    assertThat(t.trustSelfSignedCertificates()).isFalse();
  }

  @Test
  void neitherRegionNorEndpointMeansNoTransportConfig() {
    KplProperties kpl =
        KplProperties.from(properties("Region", "", "KinesisEndpoint", " ", "RateLimit", "80"));

    assertThat(kpl.transportConfig()).isEmpty();
    assertThat(kpl.producerConfig().rateLimit()).isEqualTo(80);
    assertThat(kpl.notes()).isEmpty();
  }

  @Test
  void recordsLargerThanOneMebibyteRaiseTheTransportsRecordLimit() {
    KplProperties kpl =
        KplProperties.from(
            properties("Region", "us-west-2", "MaxUserRecordSize", String.valueOf(4 << 20)));

    assertThat(kpl.transportConfig().orElseThrow().maxRecordSize()).isEqualTo(4 << 20);
  }

  @Test
  void everyProducerKeyIsApplied() {
    KplProperties kpl =
        KplProperties.from(
            properties(
                "AggregationEnabled", "false",
                "AggregationMaxCount", "1000",
                "AggregationMaxSize", "100000",
                "CollectionMaxCount", "100",
                "CollectionMaxSize", "1000000",
                "RecordMaxBufferedTime", "20",
                "RecordTtl", "120000",
                "RateLimit", "90",
                "FailIfThrottled", "true",
                "MaxUserRecordSize", "65536",
                "MetricsLevel", "SUMMARY",
                "MetricsGranularity", "Stream",
                "MetricsNamespace", "Orders",
                "MaxOutstandingRecords", "1000",
                "MaxOutstandingBytes", "1048576",
                "BufferFullWait", "1000",
                "StrictOrdering", "TRUE",
                "CloseTimeout", "5000"));

    ProducerConfig expected =
        ProducerConfig.builder()
            .aggregationEnabled(false)
            .aggregationMaxCount(1000)
            .aggregationMaxSize(100_000)
            .collectionMaxCount(100)
            .collectionMaxSize(1_000_000)
            .recordMaxBufferedTime(Duration.ofMillis(20))
            .recordTtl(Duration.ofMinutes(2))
            .rateLimit(90)
            .failIfThrottled(true)
            .maxUserRecordSize(65_536)
            .metricsLevel(MetricsLevel.SUMMARY)
            .metricsGranularity(ProducerConfig.MetricsGranularity.STREAM)
            .metricsNamespace("Orders")
            .maxOutstandingRecords(1000)
            .maxOutstandingBytes(1 << 20)
            .bufferFullWait(Duration.ofSeconds(1))
            .strictOrdering(true)
            .closeTimeout(Duration.ofSeconds(5))
            .build();
    assertThat(kpl.producerConfig()).isEqualTo(expected);
    assertThat(kpl.notes()).isEmpty();
  }

  @Test
  void commentsBlankLinesAndWhitespaceAreReadAsPropertiesReadsThem() {
    KplProperties kpl = KplProperties.load(resource("whitespace.properties"));

    ProducerConfig c = kpl.producerConfig();
    assertThat(c.aggregationEnabled()).isFalse();
    assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.rateLimit()).isEqualTo(80);
    assertThat(c.metricsLevel()).isEqualTo(MetricsLevel.SUMMARY);
    assertThat(c.metricsNamespace()).isEqualTo("OrdersProducer");
    assertThat(c.failIfThrottled()).isTrue();
    assertThat(kpl.notes()).isEmpty();
  }

  @Test
  void anUnknownKeyIsReportedWithTheKeyItWasProbablyMeantToBe() {
    KplProperties kpl =
        KplProperties.from(
            properties(
                "AgregationEnabled", "false",
                "recordttl", "5000",
                "RateLimt", "50",
                "Frobnicate", "yes"));

    assertThat(kpl.producerConfig()).isEqualTo(ProducerConfig.defaults());
    assertThat(kpl.notes())
        .containsExactly(
            "unknown key AgregationEnabled, not used: did you mean AggregationEnabled?",
            "unknown key Frobnicate, not used: neither a KPL nor a kinesis-lite property",
            "unknown key RateLimt, not used: did you mean RateLimit?",
            "unknown key recordttl, not used: did you mean RecordTtl?");
  }

  @Test
  void secretsNeverAppearInNotesOrToString() {
    KplProperties kpl =
        KplProperties.from(
            properties(
                "ProxyUserName", "alice", "ProxyPassword", "hunter2", "AwsSecretKey", "s3cr3t"));

    assertThat(kpl.notes())
        .containsExactly(
            "unknown key AwsSecretKey, not used: neither a KPL nor a kinesis-lite property",
            "ProxyPassword is not used: kinesis-lite's transport has no proxy option yet; this"
                + " file's proxy settings are not applied",
            "ProxyUserName is not used: kinesis-lite's transport has no proxy option yet; this"
                + " file's proxy settings are not applied");
    assertThat(String.join("\n", kpl.notes()) + kpl).doesNotContain("alice", "hunter2", "s3cr3t");
  }

  @Test
  void toStringSummarizesTheEffectiveSettings() {
    KplProperties kpl = KplProperties.load(resource("kpl-emulator.properties"));

    assertThat(kpl.toString())
        .contains("kpl-emulator.properties")
        .contains("MetricsLevel=none")
        .contains("RecordTtl=30000ms")
        .contains("selection=https://127.0.0.1:4567")
        .contains("trustSelfSignedCertificates=true")
        .contains("notes=6");
    assertThat(KplProperties.from(new Properties()).toString())
        .contains("transport=none")
        .contains("notes=0");
  }

  @Test
  void propertiesDefaultsAreRead() {
    Properties defaults = properties("RateLimit", "70");
    Properties p = new Properties(defaults);
    p.setProperty("RecordTtl", "1000");

    KplProperties kpl = KplProperties.from(p);

    assertThat(kpl.producerConfig().rateLimit()).isEqualTo(70);
    assertThat(kpl.producerConfig().recordTtl()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aMissingFileFailsNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("nope.properties");

    assertThatThrownBy(() -> KplProperties.load(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void notesAreImmutable() {
    KplProperties kpl = KplProperties.load(resource("kpl-defaults.properties"));

    assertThatThrownBy(() -> kpl.notes().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(kpl.transportConfig()).isEqualTo(Optional.empty());
  }
}
