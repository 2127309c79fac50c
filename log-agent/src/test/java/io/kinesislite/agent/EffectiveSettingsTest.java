package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.agent.ConfigNotice.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What check-config prints: every setting, every flow, every notice. */
class EffectiveSettingsTest {
  @TempDir Path dir;

  @Test
  void itListsEveryFlowAndEveryNoticeGroupedByKind() {
    LoadedConfig loaded =
        ConfigFiles.read(AgentJsonSamplesTest.sample("04-unsupported-parts.json"));

    String text = ConfigFiles.effectiveSettings(loaded);

    for (FlowConfig f : loaded.config().flows()) {
      assertThat(text).contains("- id: \"" + f.id() + "\"", "stream: " + f.stream());
    }
    assertThat(loaded.notices()).isNotEmpty();
    for (ConfigNotice n : loaded.notices()) {
      assertThat(text).contains("- " + n.key() + ": " + n.message());
    }
    int mapped = text.indexOf("  mapped: 2\n");
    int unsupported = text.indexOf("  unsupported: 5\n");
    assertThat(mapped).isPositive();
    assertThat(unsupported).isGreaterThan(mapped);
    for (ConfigNotice n : loaded.notices(Kind.UNSUPPORTED)) {
      assertThat(text.indexOf("- " + n.key() + ": ")).isGreaterThan(unsupported);
    }
    assertThat(text).doesNotContain("not needed:");
    assertThat(text).contains("notices: 7");
  }

  @Test
  void itShowsDefaultsWithReadableDurationsAndSizesInBytes() {
    String text =
        ConfigFiles.effectiveSettings(
            ConfigFiles.read(AgentJsonSamplesTest.sample("01-minimal.json")));

    assertThat(text)
        .contains(
            "  stateDirectory: /var/lib/kinesis-lite-agent (state file: state.json)\n",
            "  checkpointInterval: 1 s\n",
            "  shutdownTimeout: 10 s\n",
            "  maxBufferedBytes: 67108864 bytes\n",
            "  pollInterval: 100 ms\n",
            "  metrics.address: 127.0.0.1:9514\n",
            "    RecordMaxBufferedTime: 100 ms\n",
            "    CollectionMaxSize: 5242880 bytes\n",
            "    transport: aws:\n",
            "      region: the SDK's default region chain\n",
            "    initialPosition: end_of_file\n",
            "    maxRecordBytes: 1048320 bytes\n",
            "    truncatedRecordTerminator: \"\\n\"\n",
            "    partitionKey: random\n",
            "    producer: the agent's (above)\n",
            "notices: 0\n");
  }

  @Test
  void itShowsStepsAndKeysAsAgentYamlWritesThem() {
    String text = ConfigFiles.effectiveSettings(ConfigFiles.read(YamlConfigTest.EXAMPLE));

    assertThat(text)
        .contains(
            "- csvToJson: {fields: [\"id\", \"name\", \"amount\"], delimiter: \",\", onError: pass}",
            "- addMetadata: {wrap: false, timestamp: true, host: true, file: true, offset: false,"
                + " fields: {\"env\":\"prod\",\"team\":\"payments\"}}",
            "partitionKey: {jsonField: \"logger\"}",
            "explicitHashKey: {regex: \"shard=(?<hash>\\\\d+)\", group: \"hash\"}",
            "createStream: 2 shards, if the stream is missing");
  }

  @Test
  void theSameConfigurationAlwaysGivesTheSameText() throws IOException {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        metrics: {address: off}
        flows:
          - files: /a.log
            stream: a
            processing:
              - addMetadata: {fields: {zeta: 1, alpha: 2, mid: {y: 1, b: 2}, beta: 3, omega: 4}}
        """);

    String first = ConfigFiles.effectiveSettings(ConfigFiles.read(file));
    String second = ConfigFiles.effectiveSettings(ConfigFiles.read(file));

    assertThat(first).isEqualTo(second);
    assertThat(first)
        .contains(
            "fields: {\"alpha\":2,\"beta\":3,\"mid\":{\"b\":2,\"y\":1},\"omega\":4,\"zeta\":1}")
        .contains("metrics.address: off");
  }
}
