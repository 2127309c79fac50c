package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.ConfigFiles;
import io.kinesislite.agent.ConfigNotice;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.KeySource;
import io.kinesislite.agent.LoadedConfig;
import io.kinesislite.agent.LogAgent;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The nginx access-log configurations, in the agent's YAML and in the Kinesis Agent's JSON: each
 * loads without a key left unsupported, and the agent running it (files, transport and state moved
 * to a temporary directory) ships real nginx "combined" lines as JSON with nginx's field names.
 */
class NginxAgentConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Path resource(String name) throws Exception {
    return Path.of(NginxAgentConfigTest.class.getResource("/agent/" + name).toURI());
  }

  private static double count(SimpleMeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  @ParameterizedTest
  @ValueSource(strings = {"nginx-access.yaml", "nginx-agent.json"})
  void shipsNginxCombinedLinesAsJson(String file) throws Exception {
    LoadedConfig loaded = ConfigFiles.read(resource(file));
    assertThat(loaded.notices(ConfigNotice.Kind.UNSUPPORTED)).isEmpty();
    FlowConfig flow = loaded.config().flows().get(0);
    assertThat(loaded.config().flows()).hasSize(1);
    assertThat(flow.stream()).isEqualTo("nginx-access");
    assertThat(flow.files()).containsExactly("/var/log/nginx/access.log*");
    assertThat(flow.partitionKey()).isInstanceOf(KeySource.Random.class);

    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.write(logs.resolve("access.log"), NginxAgentExample.SAMPLE_LINES, StandardCharsets.UTF_8);
    String engine = "embedded:" + dir.resolve("engine"); // an engine of this test's own
    AgentConfig config =
        NginxAgentExample.forLocalRun(loaded.config(), logs, dir.resolve("state"), engine, true);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (KinesisTransport kinesis = Transports.open(engine);
        LogAgent agent = LogAgent.start(config, registry)) {
      // Every line read: five sent and acknowledged, the sixth dropped by logToJson.
      Eventually.within(
          Duration.ofSeconds(30),
          "5 records sent and 1 line dropped",
          () ->
              count(registry, "kinesislite.agent.records.sent") == 5
                  && count(registry, "kinesislite.agent.processing.errors") == 1);
      List<JsonNode> records = new ArrayList<>();
      for (StreamContents.Stored s : StreamContents.read(kinesis, "nginx-access")) {
        assertThat(s.data()).endsWith("\n");
        records.add(JSON.readTree(s.data()));
      }
      records.sort(Comparator.comparing(r -> r.get("time_local").asText()));
      assertThat(records).hasSize(5);

      JsonNode first = records.get(0);
      assertThat(first.get("remote_addr").asText()).isEqualTo("203.0.113.10");
      assertThat(first.get("remote_user").isNull()).isTrue();
      assertThat(first.get("time_local").asText()).isEqualTo("03/Dec/2026:10:15:32 +0000");
      assertThat(first.get("request").asText()).isEqualTo("GET /index.html HTTP/1.1");
      assertThat(first.get("status").asText()).isEqualTo("200");
      assertThat(first.get("body_bytes_sent").asText()).isEqualTo("612");
      assertThat(first.get("http_referer").isNull()).isTrue();
      assertThat(first.get("http_user_agent").asText()).startsWith("Mozilla/5.0 (X11; Linux");

      JsonNode post = records.get(1);
      assertThat(post.get("remote_user").asText()).isEqualTo("alice");
      assertThat(post.get("request").asText()).isEqualTo("POST /api/orders?id=17 HTTP/2.0");
      assertThat(post.get("http_referer").asText()).isEqualTo("https://shop.example.com/cart");
      assertThat(records.get(2).get("status").asText()).isEqualTo("404");
      assertThat(records.get(3).get("remote_addr").asText()).isEqualTo("2001:db8::1");
      assertThat(records.get(3).get("http_user_agent").isNull()).isTrue();
      assertThat(records.get(4).get("request").asText())
          .isEqualTo("\\x16\\x03\\x01\\x02\\x00\\x01");
      assertThat(records.get(4).get("status").asText()).isEqualTo("400");
      assertThat(agent.healthProblem()).isEmpty();
    }
  }

  @Test
  void theExampleRunsTheBundledConfiguration() {
    StringWriter out = new StringWriter();
    int code =
        new CommandLine(new NginxAgentExample()).setOut(new PrintWriter(out, true)).execute();
    assertThat(code).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("5 of 5 nginx lines arrived in nginx-access as JSON")
        .contains("{\"remote_addr\":\"198.51.100.7\",\"ident\":null,\"remote_user\":\"alice\"");
  }
}
