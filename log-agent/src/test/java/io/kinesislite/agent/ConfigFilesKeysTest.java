package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key lists {@link ConfigFiles} gives for documentation are the keys its readers take. */
class ConfigFilesKeysTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyAgentYamlKeyListedIsTakenByTheReader() throws IOException {
    for (String key : ConfigFiles.yamlKeys()) {
      assertThat(problemWith(key, false)).as(key).doesNotContain("unknown key");
    }
    for (String key : ConfigFiles.yamlFlowKeys()) {
      assertThat(problemWith(key, true)).as("flows[]." + key).doesNotContain("unknown key");
    }
  }

  @Test
  void aKeyTheReaderRefusesIsNotListed() throws IOException {
    assertThat(problemWith("metrics.port", false)).contains("unknown key");
    assertThat(problemWith("multiLine.endPattern", true)).contains("unknown key");
    assertThat(ConfigFiles.yamlKeys()).doesNotContain("metrics", "metrics.port");
    assertThat(ConfigFiles.yamlFlowKeys()).doesNotContain("multiLine", "multiLine.endPattern");
  }

  @Test
  void nestedAgentYamlKeysAreDottedAndTransportIsAlsoListedItself() {
    assertThat(ConfigFiles.yamlKeys())
        .contains("stateDirectory", "metrics.address", "transport", "transport.region")
        .contains("producer", "flows");
    assertThat(ConfigFiles.yamlFlowKeys())
        .contains("stream", "files", "multiLine.startPattern", "multiLine.flushTimeout")
        .contains("transport", "transport.callTimeout");
  }

  @Test
  void agentJsonKeysHoldTheKeysTakenAndTheKeysReportedAtTheirLevel() {
    assertThat(ConfigFiles.agentJsonKeys())
        .contains("flows", "kinesis.endpoint", "checkpointFile")
        .contains("maxSendingThreads", "cloudwatch.emitMetrics")
        .doesNotContain("filePattern");
    assertThat(ConfigFiles.agentJsonFlowKeys())
        .contains("filePattern", "kinesisStream", "dataProcessingOptions", "publishQueueCapacity")
        .doesNotContain("kinesis.endpoint");
  }

  /**
   * Reads an agent.yaml holding {@code dottedKey} (at the top level, or in a flow) with a value of
   * the wrong type; returns the reader's complaint, or "" if it took the file.
   */
  private String problemWith(String dottedKey, boolean inFlow) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> flow = new LinkedHashMap<>();
    flow.put("stream", "s");
    flow.put("files", List.of("/var/log/x.log"));
    root.put("flows", List.of(flow));
    Map<String, Object> at = inFlow ? flow : root;
    String[] parts = dottedKey.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      Map<String, Object> inner = new LinkedHashMap<>();
      at.put(parts[i], inner);
      at = inner;
    }
    at.put(parts[parts.length - 1], List.of(List.of()));
    Path file = dir.resolve("agent.yaml");
    // JSON is YAML; the comment keeps the file from being taken for agent.json.
    Files.writeString(file, "# keys\n" + JSON.writeValueAsString(root));
    try {
      ConfigFiles.read(file);
      return "";
    } catch (ConfigFileException e) {
      return String.valueOf(e.getMessage());
    }
  }
}
