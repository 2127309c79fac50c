package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kinesislite.agent.ConfigNotice.Kind;
import io.kinesislite.transport.CredentialsSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every agent.json key of reference/agent.md sections 1.2 and 1.3 is recognised. */
class AgentJsonKeysTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Section 1.2, the top-level keys, each with a value the Kinesis Agent accepts. */
  private static final Map<String, Object> TOP_LEVEL = topLevel();

  /** Section 1.3, the per-flow keys of a Kinesis flow (deliveryStream is tested on its own). */
  private static final Map<String, Object> PER_FLOW = perFlow();

  /** The keys taken as written, under the same name and meaning: no notice is expected. */
  private static final Set<String> TAKEN_AS_WRITTEN =
      Set.of(
          "flows",
          "filePattern",
          "kinesisStream",
          "initialPosition",
          "multiLineStartPattern",
          "skipHeaderLines",
          "truncatedRecordTerminator",
          "fileFooterPattern",
          "dataProcessingOptions");

  @TempDir Path dir;

  private static Map<String, Object> topLevel() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("checkpointFile", "/var/lib/aws-kinesis-agent/checkpoints");
    m.put("checkpointTimeToLiveDays", 7);
    m.put("checkpoints.queryTimeoutSeconds", 30);
    m.put("checkpoints.connectionTimeoutSeconds", 5);
    m.put("cloudwatch.emitMetrics", true);
    m.put("cloudwatch.endpoint", "monitoring.us-east-1.amazonaws.com");
    m.put("cloudwatch.namespace", "AWSKinesisAgent");
    m.put("cloudwatch.tagInstance", false);
    m.put("cloudwatch.metricsBufferTimeMillis", 30000);
    m.put("cloudwatch.metricsQueueSize", 10000);
    m.put("kinesis.endpoint", "kinesis.us-east-1.amazonaws.com");
    m.put("kinesis.region", "us-east-1");
    m.put("firehose.endpoint", "firehose.us-east-1.amazonaws.com");
    m.put("sts.endpoint", "https://sts.amazonaws.com");
    m.put("awsAccessKeyId", "AKIDEXAMPLE");
    m.put("awsSecretAccessKey", "wJalrXUtnFEMIEXAMPLEKEY");
    m.put("assumeRoleARN", "arn:aws:iam::123456789012:role/agent");
    m.put("assumeRoleExternalId", "external");
    m.put("userDefinedCredentialsProvider.classname", "com.example.Provider");
    m.put("userDefinedCredentialsProvider.location", "/opt/provider.jar");
    m.put("maxSendingThreads", 24);
    m.put("maxSendingThreadsPerCore", 12);
    m.put("sendingThreadsKeepAliveMillis", 60000);
    m.put("sendingThreadsMaxQueueSize", 100);
    m.put("maxConnections", 50);
    m.put("connectionTimeoutMillis", 10000);
    m.put("socketTimeoutMillis", 50000);
    m.put("connectionTTLMillis", -1);
    m.put("useTcpKeepAlive", false);
    m.put("useHttpGzip", false);
    m.put("userAgent", "my-agent");
    m.put("userAgentOverride", "my-agent/1.0");
    m.put("shutdownTimeoutMillis", 20000);
    m.put("log.emitMetrics", false);
    m.put("log.emitInternalMetrics", false);
    m.put("log.statusReportingPeriodSeconds", 30);
    return m;
  }

  private static Map<String, Object> perFlow() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("filePattern", "/var/log/app/app.log*");
    m.put("kinesisStream", "app-logs");
    m.put("partitionKeyOption", "DETERMINISTIC");
    m.put("initialPosition", "START_OF_FILE");
    m.put("maxBufferAgeMillis", 2000);
    m.put("maxBufferSizeBytes", 1048576);
    m.put("maxBufferSizeRecords", 100);
    m.put("minTimeBetweenFilePollsMillis", 50);
    m.put("maxTimeBetweenFileTrackerRefreshMillis", 5000);
    m.put("publishQueueCapacity", 100);
    m.put("retryInitialBackoffMillis", 200);
    m.put("retryMaxBackoffMillis", 20000);
    m.put("waitOnFullPublishQueueMillis", 60000);
    m.put("waitOnEmptyPublishQueueMillis", 60000);
    m.put("multiLineStartPattern", "^\\[");
    m.put("skipHeaderLines", 3);
    m.put("truncatedRecordTerminator", "<cut>\n");
    m.put("fileFooterPattern", "^END$");
    m.put(
        "dataProcessingOptions",
        List.of(
            Map.of("optionName", "SINGLELINE", "parseOptions", List.of("NO_TRIM")),
            Map.of("optionName", "ADDBRACKETS")));
    m.put("aggregatedRecordSizeBytes", 1024);
    m.put("log.emitInternalMetrics", true);
    return m;
  }

  private Path write(String name, Object tree) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, tree instanceof String s ? s : JSON.writeValueAsString(tree));
    return file;
  }

  private LoadedConfig loadEveryKey() throws IOException {
    ObjectNode root = JSON.valueToTree(TOP_LEVEL);
    ArrayNode flows = root.putArray("flows");
    flows.add(JSON.valueToTree(PER_FLOW));
    flows.add(
        JSON.valueToTree(Map.of("filePattern", "/var/log/app/app.log*", "deliveryStream", "s3")));
    return ConfigFiles.read(write("agent.json", root));
  }

  private static boolean noticed(LoadedConfig loaded, String key) {
    return loaded.notices().stream().anyMatch(n -> n.key().equals(key));
  }

  @Test
  void everyTopLevelKeyIsMappedOrNoticedAndNoneIsUnknown() throws IOException {
    LoadedConfig loaded = loadEveryKey();

    assertThat(loaded.notices()).noneMatch(n -> n.message().contains("unknown key"));
    for (String key : TOP_LEVEL.keySet()) {
      assertThat(noticed(loaded, key)).as("a notice for %s", key).isTrue();
    }
  }

  @Test
  void everyFlowKeyIsMappedOrNoticedAndNoneIsUnknown() throws IOException {
    LoadedConfig loaded = loadEveryKey();

    assertThat(loaded.notices()).noneMatch(n -> n.message().contains("unknown key"));
    for (String key : PER_FLOW.keySet()) {
      if (!TAKEN_AS_WRITTEN.contains(key)) {
        assertThat(noticed(loaded, "flows[0]." + key)).as("a notice for %s", key).isTrue();
      }
    }
    assertThat(noticed(loaded, "flows[1].deliveryStream")).isTrue();
  }

  @Test
  void noticesComeInFileOrder() throws IOException {
    LoadedConfig loaded = loadEveryKey();

    List<String> topLevel =
        loaded.notices().stream()
            .map(ConfigNotice::key)
            .filter(k -> !k.startsWith("flows["))
            .toList();
    assertThat(topLevel).containsExactlyElementsOf(TOP_LEVEL.keySet());
    List<String> flowKeys =
        loaded.notices().stream()
            .map(ConfigNotice::key)
            .filter(k -> k.startsWith("flows[0]."))
            .map(k -> k.substring("flows[0].".length()))
            .toList();
    assertThat(flowKeys)
        .containsExactlyElementsOf(
            PER_FLOW.keySet().stream().filter(k -> !TAKEN_AS_WRITTEN.contains(k)).toList());
  }

  @Test
  void keysTakenAsWrittenReachTheModel() throws IOException {
    LoadedConfig loaded = loadEveryKey();

    assertThat(loaded.config().flows()).hasSize(1);
    FlowConfig flow = loaded.config().flows().get(0);
    assertThat(flow.files()).containsExactly("/var/log/app/app.log*");
    assertThat(flow.stream()).isEqualTo("app-logs");
    assertThat(flow.initialPosition()).isEqualTo(InitialPosition.START_OF_FILE);
    assertThat(flow.multiLineStartPattern().orElseThrow().pattern()).isEqualTo("^\\[");
    assertThat(flow.skipHeaderLines()).isEqualTo(3);
    assertThat(flow.truncatedRecordTerminator()).isEqualTo("<cut>\n");
    assertThat(flow.fileFooterPattern().orElseThrow().pattern()).isEqualTo("^END$");
    assertThat(flow.processing())
        .containsExactly(
            new ProcessorSpec.SingleLine(true, false), new ProcessorSpec.AddBrackets());
  }

  @Test
  void mappedKeysReachTheirSettings() throws IOException {
    LoadedConfig loaded = loadEveryKey();

    AgentConfig config = loaded.config();
    assertThat(config.stateDirectory()).isEqualTo(Path.of("/var/lib/aws-kinesis-agent"));
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.scanInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.retryInitialBackoff()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(20));
    FlowConfig flow = config.flows().get(0);
    assertThat(flow.partitionKey()).isEqualTo(new KeySource.LineHash());
    assertThat(flow.producer().orElseThrow().recordMaxBufferedTime())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(flow.producer().orElseThrow().collectionMaxSize()).isEqualTo(1048576);
    assertThat(flow.producer().orElseThrow().collectionMaxCount()).isEqualTo(100);
    assertThat(flow.transport()).isEqualTo("aws:us-east-1");
    assertThat(flow.transportConfig().credentials())
        .isEqualTo(CredentialsSource.staticKeys("AKIDEXAMPLE", "wJalrXUtnFEMIEXAMPLEKEY"));
    assertThat(flow.transportConfig().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(flow.transportConfig().callTimeout()).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void theKindOfEachNoticeMatchesWhatBecameOfTheKey() throws IOException {
    LoadedConfig loaded = loadEveryKey();

    assertThat(kinds(loaded, "cloudwatch.emitMetrics", "assumeRoleARN", "sts.endpoint"))
        .containsOnly(Kind.UNSUPPORTED);
    assertThat(kinds(loaded, "firehose.endpoint", "flows[0].aggregatedRecordSizeBytes"))
        .containsOnly(Kind.UNSUPPORTED);
    assertThat(kinds(loaded, "userDefinedCredentialsProvider.classname", "flows[1].deliveryStream"))
        .containsOnly(Kind.UNSUPPORTED);
    assertThat(kinds(loaded, "maxSendingThreads", "maxConnections", "useHttpGzip", "userAgent"))
        .containsOnly(Kind.NOT_NEEDED);
    assertThat(kinds(loaded, "checkpoints.queryTimeoutSeconds", "log.emitMetrics"))
        .containsOnly(Kind.NOT_NEEDED);
    assertThat(kinds(loaded, "checkpointTimeToLiveDays", "flows[0].publishQueueCapacity"))
        .containsOnly(Kind.NOT_NEEDED);
    assertThat(kinds(loaded, "checkpointFile", "kinesis.endpoint", "awsAccessKeyId"))
        .containsOnly(Kind.MAPPED);
    assertThat(kinds(loaded, "flows[0].maxBufferAgeMillis", "flows[0].retryMaxBackoffMillis"))
        .containsOnly(Kind.MAPPED);
    assertThat(AgentJsonSamplesTest.notice(loaded, "flows[0].maxBufferAgeMillis").message())
        .contains("RecordMaxBufferedTime");
  }

  private static List<Kind> kinds(LoadedConfig loaded, String... keys) {
    return java.util.Arrays.stream(keys)
        .map(k -> AgentJsonSamplesTest.notice(loaded, k).kind())
        .toList();
  }

  @Test
  void noticesNeverShowTheSecretKey() throws IOException {
    LoadedConfig loaded = loadEveryKey();

    assertThat(loaded.notices()).noneMatch(n -> n.message().contains("wJalrXUtnFEMIEXAMPLEKEY"));
    assertThat(ConfigFiles.effectiveSettings(loaded)).doesNotContain("wJalrXUtnFEMIEXAMPLEKEY");
  }

  @Test
  void unknownAndMisplacedKeysAreReportedNeverIgnored() throws IOException {
    Path file =
        write(
            "agent.json",
            """
            {
              "maxBufferAgeMillis": 1000,
              "cloudwatch.emitMetric": true,
              "flows": [
                { "filePattern": "/a/b.log", "kinesisStream": "s", "kinesisStrem": "t",
                  "kinesis.region": "us-east-1" }
              ]
            }
            """);

    LoadedConfig loaded = ConfigFiles.read(file);

    assertThat(AgentJsonSamplesTest.notice(loaded, "maxBufferAgeMillis").message())
        .contains("flow key at the top level");
    assertThat(AgentJsonSamplesTest.notice(loaded, "cloudwatch.emitMetric").message())
        .contains("unknown key", "did you mean cloudwatch.emitMetrics?");
    assertThat(AgentJsonSamplesTest.notice(loaded, "flows[0].kinesisStrem").message())
        .contains("unknown key", "did you mean kinesisStream?");
    assertThat(AgentJsonSamplesTest.notice(loaded, "flows[0].kinesis.region").message())
        .contains("agent-wide key inside a flow");
    assertThat(loaded.notices()).allMatch(n -> n.kind() == Kind.UNSUPPORTED);
  }

  @Test
  void agentDirectoryFlowsAreAppendedAndABrokenFileIsSkippedWithANotice() throws IOException {
    Path main =
        write(
            "etc/agent.json",
            """
            { "flows": [ { "filePattern": "/var/log/main.log", "kinesisStream": "main" } ] }
            """);
    write(
        "etc/agent.d/20-web.json",
        """
        { // a drop-in
          "cloudwatch.emitMetrics": false,
          "flows": [ { "filePattern": "/var/log/web/*.log", "kinesisStream": "web",
                       "maxBufferSizeRecords": 50 } ]
        }
        """);
    write(
        "etc/agent.d/10-batch.json",
        """
        { "flows": [ { "filePattern": "/var/log/batch.log", "kinesisStream": "batch" } ] }
        """);
    write("etc/agent.d/30-broken.json", "{ \"flows\": [ { \"filePattern\": ");
    write("etc/agent.d/notes.txt", "not a configuration file");

    LoadedConfig loaded = ConfigFiles.read(main);

    assertThat(loaded.config().flows())
        .extracting(FlowConfig::stream)
        .containsExactly("main", "batch", "web");
    assertThat(loaded.source())
        .containsExactly(
            main, dir.resolve("etc/agent.d/10-batch.json"), dir.resolve("etc/agent.d/20-web.json"));
    ConfigNotice broken = AgentJsonSamplesTest.notice(loaded, "agent.d/30-broken.json");
    assertThat(broken.kind()).isEqualTo(Kind.UNSUPPORTED);
    assertThat(broken.message()).contains("skipped", "not valid JSON", "line 1");
    assertThat(
            AgentJsonSamplesTest.notice(loaded, "agent.d/20-web.json:cloudwatch.emitMetrics")
                .message())
        .contains("only the flows of agent.d files are read");
    assertThat(
            AgentJsonSamplesTest.notice(loaded, "agent.d/20-web.json:flows[0].maxBufferSizeRecords")
                .kind())
        .isEqualTo(Kind.MAPPED);
    assertThat(loaded.config().flow("kinesis:web:/var/log/web/*.log").orElseThrow().producer())
        .hasValueSatisfying(p -> assertThat(p.collectionMaxCount()).isEqualTo(50));
  }

  @Test
  void aBadValueInAnAgentDirectoryFlowNamesThatFile() throws IOException {
    Path main =
        write(
            "agent.json", "{\"flows\": [{\"filePattern\": \"/a.log\", \"kinesisStream\": \"a\"}]}");
    Path dropIn =
        write(
            "agent.d/web.json",
            "{\"flows\": [{\"filePattern\": \"/b.log\", \"kinesisStream\": \"b\","
                + " \"skipHeaderLines\": -1}]}");

    ConfigFileException e = AgentJsonErrorsTest.failure(main);

    assertThat(e.file()).isEqualTo(dropIn);
    assertThat(e.key()).isEqualTo("flows[0].skipHeaderLines");
  }
}
