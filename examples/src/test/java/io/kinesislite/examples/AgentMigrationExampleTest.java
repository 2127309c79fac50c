package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.ConfigNotice;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.InitialPosition;
import io.kinesislite.agent.KeySource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@link AgentMigrationExample} with the bundled Kinesis Agent {@code agent.json}: it loads through
 * {@code ConfigFiles.read} with the Kinesis Agent's keys mapped as documented (and CloudWatch
 * reported as unsupported), and, with its paths moved to a temporary directory and its streams to
 * the embedded engine, ships the sample lines as the file's processing says.
 */
class AgentMigrationExampleTest {
  @TempDir Path dir;

  @Test
  void theSampleAgentJsonLoadsWithTheKinesisAgentsMeaningAndShipsLinesToAnEmbeddedStream()
      throws Exception {
    AgentMigrationExample example = new AgentMigrationExample();
    new CommandLine(example).parseArgs("--dir", dir.toString(), "--wait-seconds", "30");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    AgentMigrationExample.Result result;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      result = example.run(out);
    }

    // The file as loaded, unchanged.
    AgentConfig loaded = result.loaded().config();
    assertThat(loaded.stateDirectory()).isEqualTo(Path.of("/var/run/aws-kinesis-agent"));
    assertThat(loaded.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(loaded.flows())
        .extracting(FlowConfig::stream)
        .containsExactly("web-access", "app-logs");
    FlowConfig access = loaded.flows().get(0);
    assertThat(access.files()).containsExactly("/var/log/httpd/access_log*");
    assertThat(access.transport()).isEqualTo("aws:us-east-1");
    assertThat(access.initialPosition()).isEqualTo(InitialPosition.START_OF_FILE);
    assertThat(access.partitionKey()).isEqualTo(new KeySource.LineHash());
    assertThat(access.producer().orElseThrow().recordMaxBufferedTime())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(access.producer().orElseThrow().collectionMaxCount()).isEqualTo(200);
    FlowConfig app = loaded.flows().get(1);
    assertThat(app.partitionKey()).isEqualTo(new KeySource.Random());
    assertThat(app.multiLineStartPattern().orElseThrow().pattern())
        .isEqualTo("^\\d{4}-\\d{2}-\\d{2} ");
    assertThat(app.processing()).hasSize(2);
    assertThat(result.loaded().notices(ConfigNotice.Kind.UNSUPPORTED))
        .extracting(ConfigNotice::key)
        .containsExactly("cloudwatch.emitMetrics");
    assertThat(result.loaded().notices(ConfigNotice.Kind.MAPPED))
        .extracting(ConfigNotice::key)
        .contains("checkpointFile", "kinesis.region", "flows[0].partitionKeyOption");

    // What ran: the same flows, moved to the temporary directory and the embedded engine.
    FlowConfig ranAccess = result.ran().flows().get(0);
    assertThat(ranAccess.files()).containsExactly(dir.resolve("logs/access_log*").toString());
    assertThat(ranAccess.transport()).isEqualTo("embedded:");
    assertThat(ranAccess.processing()).isEqualTo(access.processing());
    assertThat(result.ran().stateDirectory()).isEqualTo(dir.resolve("state"));

    // What reached the streams: Apache lines as JSON (the unparsable one dropped, as the Kinesis
    // Agent drops it), the app log as two multi-line records wrapped with their metadata.
    List<String> web = result.received().get("web-access");
    assertThat(web).hasSize(3);
    assertThat(web.get(1)).contains("\"host\":\"198.51.100.4\"", "\"authuser\":\"alice\"");
    assertThat(web).noneMatch(r -> r.contains("not an access log line"));
    List<String> appRecords = result.received().get("app-logs");
    assertThat(appRecords).hasSize(2);
    assertThat(appRecords)
        .allMatch(
            r -> r.contains("\"metadata\":{\"service\":\"billing\"}") && r.contains("\"ts\""));
    assertThat(appRecords.get(1)).contains("order 18 failed", "no stock", "Orders.java:42");
  }
}
