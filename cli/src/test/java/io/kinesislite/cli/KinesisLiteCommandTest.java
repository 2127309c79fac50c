package io.kinesislite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.Transports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kinesis-lite} commands run in-process against the durable embedded engine in a temp
 * directory, which each command opens and closes as a separate run of the tool would.
 */
class KinesisLiteCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private String transport;

  @BeforeEach
  void setUp() {
    transport = "embedded:" + dir.resolve("data");
  }

  record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        KinesisLiteCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void streamsAreCreatedDescribedReshardedAndDeleted() {
    assertThat(
            run("streams", "create", "orders", "--shards", "2", "--wait", "-t", transport).code())
        .isZero();
    assertThat(run("streams", "list", "-t", transport).out()).contains("orders");
    Run described = run("streams", "describe", "orders", "-t", transport);
    assertThat(described.out()).contains("ACTIVE").contains("open       2 of 2 shards");
    assertThat(
            run("streams", "split", "orders", "shardId-000000000000", "--wait", "-t", transport)
                .code())
        .isZero();
    assertThat(run("streams", "describe", "orders", "-t", transport).out())
        .contains("open       3 of 4 shards")
        .contains("parent shardId-000000000000");
    assertThat(
            run(
                    "streams",
                    "merge",
                    "orders",
                    "shardId-000000000002",
                    "shardId-000000000003",
                    "--wait",
                    "-t",
                    transport)
                .code())
        .isZero();
    assertThat(run("streams", "scale", "orders", "--shards", "4", "--wait", "-t", transport).code())
        .isZero();
    assertThat(run("streams", "retention", "orders", "--hours", "48", "-t", transport).code())
        .isZero();
    assertThat(run("streams", "describe", "orders", "-t", transport).out())
        .contains("retention  48 h")
        .contains("open       4 of");
    assertThat(run("streams", "delete", "orders", "-t", transport).code()).isZero();
    assertThat(run("streams", "list", "-t", transport).out()).doesNotContain("orders");
  }

  @Test
  void putThenTailGivesBackEveryLineOnceDeaggregated() throws Exception {
    run("streams", "create", "lines", "--shards", "3", "--wait", "-t", transport);
    Path input = dir.resolve("input.txt");
    List<String> lines = IntStream.range(0, 10_000).mapToObj(i -> "line-" + i).toList();
    Files.write(input, lines);
    Run put = run("put", "lines", input.toString(), "-t", transport);
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.err()).contains("10000 records acknowledged, 0 failed");

    Run raw = run("tail", "lines", "-t", transport);
    List<String> got = raw.out().lines().toList();
    assertThat(got).hasSize(10_000);
    assertThat(new HashSet<>(got)).isEqualTo(new HashSet<>(lines));

    Run json = run("tail", "lines", "--format", "json", "-t", transport);
    Set<String> data = new HashSet<>();
    long aggregated = 0;
    for (String line : json.out().lines().toList()) {
      JsonNode n = JSON.readTree(line);
      data.add(n.path("data").asText());
      aggregated += n.path("aggregated").asBoolean() ? 1 : 0;
      assertThat(n.path("sequenceNumber").asText()).isNotEmpty();
      assertThat(n.path("shardId").asText()).startsWith("shardId-");
    }
    assertThat(data).hasSize(10_000);
    assertThat(aggregated).as("records that travelled in KPL aggregates").isPositive();
  }

  @Test
  void tailShowsBytesThatAreNotUtf8InBase64() throws Exception {
    run("streams", "create", "bin", "--shards", "1", "--wait", "-t", transport);
    try (KinesisTransport kinesis = Transports.open(transport)) {
      kinesis.putRecord("bin", PutEntry.of("k", new byte[] {(byte) 0xff, (byte) 0xfe, 1})).join();
    }
    JsonNode n =
        JSON.readTree(run("tail", "bin", "--format", "json", "-t", transport).out().trim());
    assertThat(n.path("data").isMissingNode()).isTrue();
    assertThat(n.path("dataBase64").asText()).isEqualTo("//4B");
  }

  @Test
  void tailFollowsASplitParentBeforeChildren() throws Exception {
    run("streams", "create", "split", "--shards", "1", "--wait", "-t", transport);
    try (KinesisTransport kinesis = Transports.open(transport)) {
      for (int i = 0; i < 50; i++) {
        kinesis
            .putRecord("split", PutEntry.of("k", ("before-" + i).getBytes(StandardCharsets.UTF_8)))
            .join();
      }
    }
    run("streams", "split", "split", "shardId-000000000000", "--wait", "-t", transport);
    try (KinesisTransport kinesis = Transports.open(transport)) {
      for (int i = 0; i < 50; i++) {
        kinesis
            .putRecord("split", PutEntry.of("k", ("after-" + i).getBytes(StandardCharsets.UTF_8)))
            .join();
      }
    }
    List<String> got = run("tail", "split", "-t", transport).out().lines().toList();
    assertThat(got).hasSize(100);
    assertThat(got.subList(0, 50)).allMatch(l -> l.startsWith("before-"));
    assertThat(got.subList(50, 100)).allMatch(l -> l.startsWith("after-"));
  }

  @Test
  void anUnknownStreamFailsWithOneReadableLineAndExitCodeOne() {
    Run r = run("streams", "describe", "missing-stream", "-t", transport);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains("missing-stream").contains("ResourceNotFoundException");
  }

  @Test
  void badUsageExitsTwoNamingTheOptionAndItsRange() {
    Run r = run("streams", "create", "s", "--shards", "0", "-t", transport);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--shards").contains("between 1 and 100000");
    assertThat(run("tail", "s", "--from", "yesterday", "-t", transport).code()).isEqualTo(2);
    assertThat(run("no-such-command").code()).isEqualTo(2);
  }

  @Test
  void serveOptionsAreCheckedBeforeAnythingStarts() {
    Run r = run("serve", "--port", "70000");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("port").contains("65535");
    assertThat(run("serve", "--sync", "sometimes").err()).contains("--sync");
    assertThat(run("serve", "--cert", "x.pem").err()).contains("--cert and --key");
  }

  @Test
  void serveReadsAccessKeysFromAFileAndNamesABadLineWithoutShowingIt() throws Exception {
    Path keys = dir.resolve("keys.txt");
    java.nio.file.Files.writeString(
        keys, "# local keys\nAKIDONE:secret-one\n\n  AKIDTWO:secret-two  \n");
    ServeCommand serve = new ServeCommand();
    new picocli.CommandLine(serve).parseArgs("--access-key-file", keys.toString());
    assertThat(serve.config().accessKeys())
        .isEqualTo(java.util.Map.of("AKIDONE", "secret-one", "AKIDTWO", "secret-two"));

    java.nio.file.Files.writeString(keys, "AKIDONE:secret-one\nno-colon-secret\n");
    Run bad = run("serve", "--access-key-file", keys.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .contains("--access-key-file " + keys + " line 2 must be ID:SECRET")
        .doesNotContain("no-colon-secret")
        .doesNotContain("secret-one");
    java.nio.file.Files.writeString(keys, "# nothing yet\n");
    assertThat(run("serve", "--access-key-file", keys.toString()).err())
        .contains("holds no ID:SECRET line");
    Run missing = run("serve", "--access-key-file", dir.resolve("absent.txt").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("absent.txt").contains("cannot be read");
  }

  @Test
  void completionPrintsABashScriptForEveryCommand() {
    Run r = run("completion");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("kinesis-lite")
        .contains("serve")
        .contains("tail")
        .contains("complete");
  }

  @Test
  void helpShowsExamples() {
    Run r = run("--help");
    assertThat(r.out()).contains("Examples:").contains("serve").contains("agent");
    assertThat(run("agent", "--help").out()).contains("run").contains("check-config");
    assertThat(run("--help").out().lines().collect(Collectors.joining("\n")))
        .contains("KINESIS_LITE_TRANSPORT");
  }
}
