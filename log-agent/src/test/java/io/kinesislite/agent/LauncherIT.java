package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as an operator runs it: the distribution's launcher ({@code target/dist/bin}) with the
 * shipped example configuration ({@code etc/agent.yaml}, the README's), its paths moved into a
 * temporary directory and the metrics endpoint to a free port, against the embedded default
 * (durable). Lines appended to the application and access logs reach their streams, processed as
 * the example says; {@code /health} answers ok and {@code /metrics} counts them; SIGTERM stops it
 * with exit code 0. {@code check-config} validates the same file.
 */
class LauncherIT {
  private static final Path DIST =
      Path.of(System.getProperty("basedir", "."), "target", "dist").toAbsolutePath();

  @TempDir Path root;

  private Path exampleConfig(int port) throws IOException {
    String example = Files.readString(DIST.resolve("etc/agent.yaml"), StandardCharsets.UTF_8);
    String moved =
        example
            .replace("/var/lib/kinesis-lite-agent", root.resolve("state").toString())
            .replace("/var/lib/kinesis-lite", root.resolve("engine").toString())
            .replace("/var/log/app", root.resolve("logs").toString())
            .replace("127.0.0.1:9514", "127.0.0.1:" + port);
    assertThat(moved).as("the example names the paths this test moves").isNotEqualTo(example);
    Path config = root.resolve("agent.yaml");
    Files.writeString(config, moved, StandardCharsets.UTF_8);
    return config;
  }

  private Process launch(Path log, String... args) throws IOException {
    List<String> command =
        new java.util.ArrayList<>(List.of("sh", DIST.resolve("bin/kinesis-lite-agent").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb.start();
  }

  @Test
  void theLauncherRunsTheExampleConfigurationAgainstTheEmbeddedDefault() throws Exception {
    Path logs = Files.createDirectories(root.resolve("logs"));
    Files.createDirectories(logs.resolve("service"));
    Files.createDirectories(logs.resolve("exports"));
    int port = MetricsScrape.freePort();
    Path config = exampleConfig(port);
    Path out = root.resolve("launcher.log");

    Process check = launch(out, "check-config", config.toString());
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as("check-config; output:\n%s", Files.readString(out)).isZero();
    assertThat(Files.readString(out)).contains("id: \"app\"", "stream: app-logs", "notices: 0");

    Process agent = launch(out, "run", "--config", config.toString());
    try {
      MetricsScrape scrape = new MetricsScrape(port);
      Eventually.within(
          Duration.ofSeconds(60),
          "the agent answers /health",
          () -> {
            HttpResponse<String> h = scrape.health();
            return h != null && h.statusCode() == 200;
          },
          () -> tail(out));
      StringBuilder app = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        app.append("{\"msg\":\"hello ").append(i).append("\"}\n");
      }
      Files.writeString(logs.resolve("app.log"), app);
      StringBuilder access = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        access.append(
            "10.0.0."
                + i
                + " - - [02/Dec/2026:08:00:00 +0000] \"GET /p/"
                + i
                + " HTTP/1.1\" 200 512 \"-\" \"curl/8\"\n");
      }
      Files.writeString(logs.resolve("access.log"), access);
      Eventually.within(
          Duration.ofSeconds(60),
          "150 records acknowledged",
          () ->
              MetricsScrape.sum(scrape.metrics(), "kinesislite_agent_records_sent_total", "")
                  >= 150,
          () -> tail(out));
      assertThat(scrape.health().body()).isEqualTo("ok\n");
      agent.destroy(); // SIGTERM
      assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.exitValue()).as("exit code after SIGTERM; log:\n%s", tail(out)).isZero();
    } finally {
      agent.destroyForcibly();
    }

    try (KinesisTransport kinesis = Transports.open("embedded:" + root.resolve("engine"))) {
      List<StreamContents.Stored> appLogs = StreamContents.read(kinesis, "app-logs");
      assertThat(appLogs).hasSize(100);
      assertThat(appLogs)
          .allSatisfy(
              s ->
                  assertThat(s.data())
                      .contains(
                          "\"msg\":\"hello ", "\"@timestamp\"", "\"@host\"", "\"env\":\"prod\""));
      List<StreamContents.Stored> web = StreamContents.read(kinesis, "web-access");
      assertThat(web).hasSize(50);
      assertThat(web).allSatisfy(s -> assertThat(s.data()).contains("\"request\":\"GET /p/"));
    }
  }

  @Test
  void theReadmeQuickstartConfigurationShipsLinesIntoTheEmbeddedEngine() throws Exception {
    String quickstart =
        Files.readString(DIST.resolve("etc/quickstart.yaml"), StandardCharsets.UTF_8);
    int port = MetricsScrape.freePort();
    Path config = root.resolve("quickstart.yaml");
    Files.writeString(
        config,
        quickstart
            .replace("/tmp/kinesis-lite-agent", root.toString())
            .replace("127.0.0.1:9514", "127.0.0.1:" + port));
    Path logs = Files.createDirectories(root.resolve("logs/web"));
    Path out = root.resolve("launcher.log");
    Process agent = launch(out, "run", "--config", config.toString());
    try {
      Files.writeString(logs.resolve("a.log"), "one\ntwo\nthree\n");
      MetricsScrape scrape = new MetricsScrape(port);
      Eventually.within(
          Duration.ofSeconds(60),
          "3 records acknowledged",
          () ->
              MetricsScrape.sum(scrape.metrics(), "kinesislite_agent_records_sent_total", "") >= 3,
          () -> tail(out));
      agent.destroy();
      assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.exitValue()).as("log:\n%s", tail(out)).isZero();
    } finally {
      agent.destroyForcibly();
    }
    try (KinesisTransport kinesis = Transports.open("embedded:" + root.resolve("engine"))) {
      assertThat(StreamContents.read(kinesis, "app-logs"))
          .extracting(StreamContents.Stored::data)
          .containsExactly("one\n", "two\n", "three\n");
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
