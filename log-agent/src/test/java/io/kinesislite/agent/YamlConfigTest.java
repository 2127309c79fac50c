package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.agent.ConfigNotice.Kind;
import io.kinesislite.agent.ProcessorSpec.OnError;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.TransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's own agent.yaml: the shipped example, every option, and the defaults. */
class YamlConfigTest {
  /** The example shipped with the agent, which the README shows. */
  static final Path EXAMPLE = Path.of("src/main/dist/agent.yaml");

  @TempDir Path dir;

  LoadedConfig load(String yaml) throws IOException {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, yaml);
    return ConfigFiles.read(file);
  }

  @Test
  void theShippedExampleLoads() {
    LoadedConfig loaded = ConfigFiles.read(EXAMPLE);

    AgentConfig config = loaded.config();
    assertThat(loaded.notices()).isEmpty();
    assertThat(config.flows())
        .extracting(FlowConfig::id)
        .containsExactly("app", "service", "access", "exports");
    for (FlowConfig f : config.flows()) {
      assertThat(f.transport()).isEqualTo("embedded:/var/lib/kinesis-lite");
      assertThat(f.createStreamShards()).isEqualTo(2);
      assertThat(f.files()).allMatch(p -> p.startsWith("/var/log/app/"));
    }
    FlowConfig app = config.flow("app").orElseThrow();
    assertThat(app.files()).containsExactly("/var/log/app/*.log", "/var/log/app/**/worker-*.log");
    assertThat(app.partitionKey()).isEqualTo(new KeySource.FilePath());
    assertThat(app.producer().orElseThrow().collectionMaxCount()).isEqualTo(200);
    assertThat(config.flow("service").orElseThrow().processing()).hasSize(2);
  }

  @Test
  void everyOptionRoundTripsIntoTheModel() throws IOException {
    LoadedConfig loaded =
        load(
            """
            stateDirectory: /srv/agent-state
            checkpointInterval: 250ms
            shutdownTimeout: 2m
            maxBufferedBytes: 128MiB
            scanInterval: 5s
            pollInterval: 20
            retryInitialBackoff: 50ms
            retryMaxBackoff: 1m
            metrics: {address: "127.0.0.1:0"}
            transport:
              selection: https://127.0.0.1:4567
              region: eu-north-1
              credentials: {accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: TOKEN}
              trustSelfSignedCertificates: true
              callTimeout: 20s
              connectTimeout: 2s
              maxAttempts: 5
              maxConcurrency: 16
              maxRecordSize: 2MiB
            producer:
              AggregationEnabled: false
              RecordMaxBufferedTime: 250
              RateLimit: 90
            flows:
              - id: everything
                files: [/var/log/a/*.log, /var/log/b/**/*.log]
                exclude: ["*.tmp", /var/log/a/skip.log]
                includeCompressed: true
                stream: every-option
                transport: {maxConcurrency: 8, credentials: {profile: prod}}
                createStream: 4
                initialPosition: START_OF_FILE
                multiLine: {startPattern: '^\\S', flushTimeout: 3s}
                skipHeaderLines: 2
                maxRecordBytes: 2MiB
                truncatedRecordTerminator: " [cut]"
                fileFooterPattern: '^EOF$'
                processing:
                  - singleLine: {noTrim: true, escapeNewLine: true}
                  - csvToJson: {fields: [a, b], delimiter: ";", onError: drop}
                  - logToJson: {format: syslog_rfc5424, onError: drop}
                  - logToJson: {matchPattern: '^(\\w+) (\\w+)$', fields: [x, y]}
                  - addMetadata:
                      {wrap: true, timestamp: true, host: true, file: true, offset: true,
                       fields: {env: prod, n: 3, tags: [a, b]}}
                  - jsonPassthrough: {onError: drop}
                  - addBrackets
                  - jsonPassthrough
                partitionKey: {regex: '^(?<user>\\w+)', group: user}
                explicitHashKey: {jsonField: /ids/hash}
                producer: {CollectionMaxCount: 10}
              - files: /var/log/c.log
                stream: second
                transport: aws:us-east-2
                partitionKey: line-hash
                explicitHashKey: host
              - files: /var/log/d.log
                stream: third
                transport: {maxAttempts: 2}
            """);

    AgentConfig c = loaded.config();
    assertThat(c.stateDirectory()).isEqualTo(Path.of("/srv/agent-state"));
    assertThat(c.checkpointInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.maxBufferedBytes()).isEqualTo(128L << 20);
    assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(20));
    assertThat(c.retryInitialBackoff()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.retryMaxBackoff()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.metricsAddress()).contains(new InetSocketAddress("127.0.0.1", 0));
    assertThat(c.producer().aggregationEnabled()).isFalse();
    assertThat(c.producer().recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.producer().rateLimit()).isEqualTo(90);

    FlowConfig f = c.flow("everything").orElseThrow();
    assertThat(f.files()).containsExactly("/var/log/a/*.log", "/var/log/b/**/*.log");
    assertThat(f.excludes()).containsExactly("*.tmp", "/var/log/a/skip.log");
    assertThat(f.includeCompressed()).isTrue();
    assertThat(f.stream()).isEqualTo("every-option");
    TransportConfig t = f.transportConfig();
    assertThat(f.transport()).isEqualTo("https://127.0.0.1:4567");
    assertThat(t.region()).contains("eu-north-1");
    assertThat(t.credentials()).isEqualTo(CredentialsSource.profile("prod"));
    assertThat(t.trustSelfSignedCertificates()).isTrue();
    assertThat(t.callTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(t.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(t.maxAttempts()).isEqualTo(5);
    assertThat(t.maxConcurrency()).isEqualTo(8);
    assertThat(t.maxRecordSize()).isEqualTo(2 << 20);
    assertThat(f.createStreamShards()).isEqualTo(4);
    assertThat(f.initialPosition()).isEqualTo(InitialPosition.START_OF_FILE);
    assertThat(f.multiLineStartPattern().map(Pattern::pattern)).contains("^\\S");
    assertThat(f.multiLineFlushTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(f.skipHeaderLines()).isEqualTo(2);
    assertThat(f.maxRecordBytes()).isEqualTo(2 << 20);
    assertThat(f.truncatedRecordTerminator()).isEqualTo(" [cut]");
    assertThat(f.fileFooterPattern().map(Pattern::pattern)).contains("^EOF$");
    List<ProcessorSpec> steps = f.processing();
    assertThat(steps).hasSize(8);
    assertThat(steps.get(0)).isEqualTo(new ProcessorSpec.SingleLine(true, true));
    assertThat(steps.get(1))
        .isEqualTo(new ProcessorSpec.CsvToJson(List.of("a", "b"), ';', OnError.DROP));
    assertThat(steps.get(2))
        .isEqualTo(
            new ProcessorSpec.LogToJson(
                LogFormat.SYSLOG_RFC5424, Optional.empty(), List.of(), OnError.DROP));
    ProcessorSpec.LogToJson custom = (ProcessorSpec.LogToJson) steps.get(3);
    assertThat(custom.format()).isEqualTo(LogFormat.CUSTOM);
    assertThat(custom.matchPattern().map(Pattern::pattern)).contains("^(\\w+) (\\w+)$");
    assertThat(custom.fieldNames()).containsExactly("x", "y");
    assertThat(custom.onError()).isEqualTo(OnError.PASS);
    assertThat(steps.get(4))
        .isEqualTo(
            new ProcessorSpec.AddMetadata(
                true,
                true,
                true,
                true,
                true,
                Map.of("env", "prod", "n", 3, "tags", List.of("a", "b"))));
    assertThat(steps.get(5)).isEqualTo(new ProcessorSpec.JsonPassthrough(OnError.DROP));
    assertThat(steps.get(6)).isEqualTo(new ProcessorSpec.AddBrackets());
    assertThat(steps.get(7)).isEqualTo(new ProcessorSpec.JsonPassthrough(OnError.PASS));
    KeySource.RegexGroup key = (KeySource.RegexGroup) f.partitionKey();
    assertThat(key.pattern().pattern()).isEqualTo("^(?<user>\\w+)");
    assertThat(key.group()).isEqualTo("user");
    assertThat(f.explicitHashKey()).contains(new KeySource.JsonField("/ids/hash"));
    ProducerConfig flowProducer = f.producer().orElseThrow();
    assertThat(flowProducer.collectionMaxCount()).isEqualTo(10);
    assertThat(flowProducer.aggregationEnabled()).as("layered over the agent's").isFalse();
    assertThat(flowProducer.rateLimit()).isEqualTo(90);

    FlowConfig second = c.flows().get(1);
    assertThat(second.id()).isEqualTo("kinesis:second:/var/log/c.log");
    assertThat(second.transport()).isEqualTo("aws:us-east-2");
    assertThat(second.transportConfig().callTimeout())
        .as("a selection replaces the top-level transport")
        .isEqualTo(TransportConfig.DEFAULT_CALL_TIMEOUT);
    assertThat(second.transportConfig().region()).contains("us-east-2");
    assertThat(second.transportConfig().credentials()).isEqualTo(CredentialsSource.automatic());
    assertThat(second.partitionKey()).isEqualTo(new KeySource.LineHash());
    assertThat(second.explicitHashKey()).contains(new KeySource.Host());
    assertThat(second.producer()).isEmpty();

    TransportConfig third = c.flows().get(2).transportConfig();
    assertThat(third.maxAttempts()).isEqualTo(2);
    assertThat(third.credentials())
        .as("a map without selection keeps the top-level transport's other options")
        .isEqualTo(CredentialsSource.staticKeys("AKID", "SECRET", "TOKEN"));
    assertThat(third.selection().toString()).isEqualTo("https://127.0.0.1:4567");
    assertThat(third.maxConcurrency()).isEqualTo(16);
  }

  @Test
  void aMinimalFileGetsEveryDefault() throws IOException {
    LoadedConfig loaded = load("flows:\n  - {files: /var/log/app.log, stream: app}\n");

    AgentConfig c = loaded.config();
    AgentConfig defaults =
        AgentConfig.builder()
            .flows(List.of(FlowConfig.builder("app").files(List.of("/var/log/app.log")).build()))
            .build();
    assertThat(c.stateDirectory()).isEqualTo(defaults.stateDirectory());
    assertThat(c.checkpointInterval()).isEqualTo(defaults.checkpointInterval());
    assertThat(c.maxBufferedBytes()).isEqualTo(defaults.maxBufferedBytes());
    assertThat(c.metricsAddress()).isEqualTo(defaults.metricsAddress());
    assertThat(c.producer()).isEqualTo(ProducerConfig.defaults());
    FlowConfig f = c.flows().get(0);
    assertThat(f.transport()).isEqualTo("embedded:");
    assertThat(f.partitionKey()).isEqualTo(new KeySource.Random());
    assertThat(f.initialPosition()).isEqualTo(InitialPosition.END_OF_FILE);
    assertThat(f.maxRecordBytes()).isEqualTo(FlowConfig.DEFAULT_MAX_RECORD_BYTES);
    assertThat(f.producer()).isEmpty();
    assertThat(loaded.notices()).isEmpty();
  }

  @Test
  void metricsCanBeTurnedOff() throws IOException {
    for (String off : List.of("off", "\"off\"", "OFF")) {
      LoadedConfig loaded =
          load("metrics: {address: " + off + "}\nflows: [{files: /a.log, stream: a}]\n");

      assertThat(loaded.config().metricsAddress()).as(off).isEmpty();
    }
  }

  @Test
  void kplKeysKinesisLiteDoesNotUseAreNotices() throws IOException {
    LoadedConfig loaded =
        load(
            """
            producer: {ThreadPoolSize: 4}
            flows:
              - files: /a.log
                stream: a
                producer: {ProxyHost: proxy.local}
            """);

    assertThat(loaded.notices())
        .extracting(ConfigNotice::key, ConfigNotice::kind)
        .containsExactly(
            org.assertj.core.api.Assertions.tuple("producer.ThreadPoolSize", Kind.UNSUPPORTED),
            org.assertj.core.api.Assertions.tuple("flows[0].producer.ProxyHost", Kind.UNSUPPORTED));
  }

  @Test
  void agentFormatNamesAreAcceptedForLogToJson() throws IOException {
    LoadedConfig loaded =
        load(
            "flows: [{files: /a.log, stream: a,"
                + " processing: [{logToJson: {format: COMBINEDAPACHELOG}}]}]\n");

    assertThat(
            ((ProcessorSpec.LogToJson) loaded.config().flows().get(0).processing().get(0)).format())
        .isEqualTo(LogFormat.COMBINED_APACHE);
  }
}
