package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kinesislite.agent.ConfigNotice.Kind;
import io.kinesislite.agent.ProcessorSpec.OnError;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.TransportSelection;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The sample agent.json files of reference/agent-configs load to what their README says.
 *
 * <p>One deliberate difference from the README: where a file leaves a buffer key out, the flow
 * keeps kinesis-lite's default (records wait at most 100 ms), not the Kinesis Agent's 60 s.
 */
class AgentJsonSamplesTest {
  static Path sample(String name) {
    try {
      return Path.of(AgentJsonSamplesTest.class.getResource("/agent-configs/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FlowConfig flow(LoadedConfig loaded, String stream) {
    return loaded.config().flows().stream()
        .filter(f -> f.stream().equals(stream))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no flow for stream " + stream));
  }

  private static ProducerConfig effectiveProducer(LoadedConfig loaded, FlowConfig flow) {
    return flow.producer().orElse(loaded.config().producer());
  }

  @Test
  void minimalFileIsOneFlowWithDefaultsEverywhere() {
    LoadedConfig loaded = ConfigFiles.read(sample("01-minimal.json"));

    AgentConfig config = loaded.config();
    assertThat(config.flows()).hasSize(1);
    FlowConfig flow = config.flows().get(0);
    assertThat(flow.stream()).isEqualTo("app-logs");
    assertThat(flow.files()).containsExactly("/var/log/app/app.log*");
    assertThat(flow.id()).isEqualTo("kinesis:app-logs:/var/log/app/app.log*");
    assertThat(flow.initialPosition()).isEqualTo(InitialPosition.END_OF_FILE);
    assertThat(flow.partitionKey()).isEqualTo(new KeySource.Random());
    assertThat(flow.processing()).isEmpty();
    assertThat(flow.includeCompressed()).isFalse();
    assertThat(flow.skipHeaderLines()).isZero();
    assertThat(flow.truncatedRecordTerminator()).isEqualTo("\n");
    ProducerConfig producer = effectiveProducer(loaded, flow);
    assertThat(producer.collectionMaxCount()).isEqualTo(500);
    assertThat(producer.collectionMaxSize()).isEqualTo(5L * 1024 * 1024);
    assertThat(producer.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(100));
    assertThat(flow.transportConfig().selection()).isEqualTo(TransportSelection.parse("aws:"));
    assertThat(flow.transportConfig().credentials()).isEqualTo(CredentialsSource.automatic());
    assertThat(config.stateDirectory()).isEqualTo(AgentConfig.DEFAULT_STATE_DIRECTORY);
    assertThat(config.metricsAddress()).contains(AgentConfig.DEFAULT_METRICS_ADDRESS);
    assertThat(loaded.notices()).isEmpty();
    assertThat(loaded.source()).containsExactly(sample("01-minimal.json"));
  }

  @Test
  void processingFileMapsEndpointBuffersKeysAndBothConverters() {
    LoadedConfig loaded = ConfigFiles.read(sample("02-processing.json"));

    AgentConfig config = loaded.config();
    assertThat(config.stateDirectory()).isEqualTo(Path.of("/var/lib/aws-kinesis-agent"));
    assertThat(config.flows())
        .extracting(FlowConfig::stream)
        .containsExactly("web-access", "exports");
    for (FlowConfig f : config.flows()) {
      assertThat(f.transport()).isEqualTo("aws:eu-west-1");
      assertThat(f.transportConfig().region()).contains("eu-west-1");
    }

    FlowConfig web = flow(loaded, "web-access");
    assertThat(web.files()).containsExactly("/var/log/httpd/access_log*");
    assertThat(web.initialPosition()).isEqualTo(InitialPosition.START_OF_FILE);
    assertThat(web.partitionKey()).isEqualTo(new KeySource.LineHash());
    ProducerConfig webProducer = web.producer().orElseThrow();
    assertThat(webProducer.recordMaxBufferedTime()).isEqualTo(Duration.ofSeconds(5));
    assertThat(webProducer.collectionMaxCount()).isEqualTo(200);
    assertThat(webProducer.collectionMaxSize()).isEqualTo(5L * 1024 * 1024);
    assertThat(web.processing())
        .containsExactly(
            new ProcessorSpec.LogToJson(
                LogFormat.COMBINED_APACHE, Optional.empty(), List.of(), OnError.DROP));
    assertThat(LogFormat.COMBINED_APACHE.fields())
        .containsExactly(
            "host",
            "ident",
            "authuser",
            "datetime",
            "request",
            "response",
            "bytes",
            "referer",
            "agent");

    FlowConfig exports = flow(loaded, "exports");
    assertThat(exports.files()).containsExactly("/var/log/exports/*.tsv");
    assertThat(exports.skipHeaderLines()).isEqualTo(1);
    assertThat(exports.initialPosition()).isEqualTo(InitialPosition.END_OF_FILE);
    assertThat(exports.partitionKey()).isEqualTo(new KeySource.Random());
    assertThat(exports.producer()).isEmpty();
    assertThat(exports.processing())
        .containsExactly(
            new ProcessorSpec.CsvToJson(List.of("id", "name", "amount"), '\t', OnError.PASS));

    assertThat(loaded.notices())
        .extracting(ConfigNotice::key, ConfigNotice::kind)
        .containsExactly(
            tuple("checkpointFile", Kind.MAPPED),
            tuple("kinesis.endpoint", Kind.MAPPED),
            tuple("kinesis.region", Kind.MAPPED),
            tuple("cloudwatch.emitMetrics", Kind.NOT_NEEDED),
            tuple("flows[0].partitionKeyOption", Kind.MAPPED),
            tuple("flows[0].maxBufferAgeMillis", Kind.MAPPED),
            tuple("flows[0].maxBufferSizeRecords", Kind.MAPPED),
            tuple("flows[0].dataProcessingOptions[0]", Kind.MAPPED));
    assertThat(notice(loaded, "kinesis.endpoint").message()).contains("aws:eu-west-1");
    assertThat(notice(loaded, "checkpointFile").message())
        .contains("/var/lib/aws-kinesis-agent", "state.json");
    assertThat(notice(loaded, "flows[0].dataProcessingOptions[0]").message())
        .contains("dropped", "onError: pass");
  }

  @Test
  void multilineFileMapsStartPatternTerminatorAndMetadata() {
    LoadedConfig loaded = ConfigFiles.read(sample("03-multiline.json"));

    FlowConfig service = flow(loaded, "service-logs");
    assertThat(service.files()).containsExactly("/opt/service/logs/service-*.log");
    assertThat(service.multiLineStartPattern())
        .map(Pattern::pattern)
        .contains("^\\d{4}-\\d{2}-\\d{2} ");
    assertThat(
            service.multiLineStartPattern().orElseThrow().matcher("2024-05-01 12:00 x").lookingAt())
        .isTrue();
    assertThat(service.truncatedRecordTerminator()).isEqualTo("...TRUNCATED\n");
    assertThat(service.processing())
        .containsExactly(
            new ProcessorSpec.SingleLine(false, false),
            new ProcessorSpec.AddMetadata(
                true, true, false, false, false, Map.of("service", "billing", "env", "prod")));

    FlowConfig syslog = flow(loaded, "syslog");
    assertThat(syslog.files()).containsExactly("/var/log/messages*");
    assertThat(syslog.multiLineStartPattern()).isEmpty();
    assertThat(syslog.processing())
        .containsExactly(
            new ProcessorSpec.LogToJson(
                LogFormat.SYSLOG_RFC3164, Optional.empty(), List.of(), OnError.DROP));

    assertThat(loaded.notices())
        .extracting(ConfigNotice::key, ConfigNotice::kind)
        .containsExactly(tuple("flows[1].dataProcessingOptions[0]", Kind.MAPPED));
  }

  @Test
  void unsupportedPartsAreEachReportedAndTheKinesisFlowsStillLoad() {
    LoadedConfig loaded = ConfigFiles.read(sample("04-unsupported-parts.json"));

    assertThat(loaded.notices(Kind.UNSUPPORTED))
        .extracting(ConfigNotice::key)
        .containsExactly(
            "cloudwatch.emitMetrics",
            "cloudwatch.namespace",
            "firehose.endpoint",
            "assumeRoleARN",
            "flows[1].deliveryStream");
    assertThat(notice(loaded, "cloudwatch.emitMetrics").message())
        .contains("Prometheus", "127.0.0.1:9514");
    assertThat(notice(loaded, "assumeRoleARN").message()).contains("default credentials chain");
    assertThat(notice(loaded, "flows[1].deliveryStream").message())
        .contains("app-to-s3", "Firehose", "skipped");
    assertThat(loaded.notices(Kind.MAPPED))
        .extracting(ConfigNotice::key)
        .containsExactly("flows[0].partitionKeyOption", "flows[2].dataProcessingOptions[0]");

    assertThat(loaded.config().flows())
        .extracting(FlowConfig::stream)
        .containsExactly("app", "custom");
    FlowConfig app = flow(loaded, "app");
    assertThat(app.files()).containsExactly("/tmp/app.log*");
    assertThat(app.partitionKey()).isEqualTo(new KeySource.Random());

    FlowConfig custom = flow(loaded, "custom");
    assertThat(custom.files()).containsExactly("/tmp/custom.log");
    assertThat(custom.processing()).hasSize(1);
    ProcessorSpec.LogToJson step = (ProcessorSpec.LogToJson) custom.processing().get(0);
    assertThat(step.format()).isEqualTo(LogFormat.COMMON_APACHE);
    assertThat(step.matchPattern().map(Pattern::pattern))
        .contains(
            "^([\\d.]+) (\\S+) (\\S+) \\[([\\w:/]+\\s[+\\-]\\d{4})\\] \"(.+?)\" (\\d{3}) (\\d+)");
    assertThat(step.fieldNames())
        .containsExactly("client_ip", "ident", "user", "time", "request", "status", "size");
    assertThat(step.onError()).isEqualTo(OnError.DROP);
  }

  static ConfigNotice notice(LoadedConfig loaded, String key) {
    return loaded.notices().stream()
        .filter(n -> n.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no notice for " + key + ": " + loaded.notices()));
  }
}
