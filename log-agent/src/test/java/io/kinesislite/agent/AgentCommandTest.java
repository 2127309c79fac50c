package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line: help with examples, check-config on good and bad files, exit codes. */
class AgentCommandTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AgentCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheCommandsWithExamples() {
    Result r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("run", "check-config", "Examples:", "kinesis-lite-agent run --config");
    assertThat(run("run", "--help").out()).contains("--config", "--strict", "Example:");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01-minimal.json",
        "02-processing.json",
        "03-multiline.json",
        "04-unsupported-parts.json"
      })
  void checkConfigAcceptsEverySampleAgentJsonAndPrintsTheEffectiveSettings(String sample) {
    Path file = Path.of("src/test/resources/agent-configs", sample);
    Result r = run("check-config", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("flows:", "stream:", "initialPosition:");
  }

  @Test
  void unsupportedPartsAreNamedInTheOutput() {
    Result r = run("check-config", "src/test/resources/agent-configs/04-unsupported-parts.json");
    assertThat(r.out()).contains("cloudwatch.emitMetrics", "deliveryStream", "assumeRoleARN");
  }

  @Test
  void anInvalidFileExitsWithTwoNamingTheKeyAndTheReason() throws IOException {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file, "flows:\n  - files: [/var/log/a.log]\n    stream: s\n    maxRecordBytes: 12\n");
    Result r = run("check-config", file.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(file.toString(), "flows[0].maxRecordBytes", "12");
    assertThat(run("run", "--config", file.toString()).code()).isEqualTo(2);
  }

  @Test
  void strictRunRefusesAFileWithUnsupportedKeys() {
    Result r =
        run(
            "run",
            "--strict",
            "--config",
            "src/test/resources/agent-configs/04-unsupported-parts.json");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unsupported keys");
  }

  @Test
  void aMissingConfigOptionIsAUsageError() {
    Result r = run("run");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--config");
  }
}
