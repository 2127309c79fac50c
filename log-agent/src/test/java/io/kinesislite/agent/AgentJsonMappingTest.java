package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.agent.ConfigNotice.Kind;
import io.kinesislite.agent.ProcessorSpec.OnError;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.TransportConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How agent.json values become kinesis-lite settings. */
class AgentJsonMappingTest {
  @TempDir Path dir;

  private LoadedConfig load(String topKeys, String flowKeys) throws IOException {
    Path file = dir.resolve("agent.json");
    Files.writeString(
        file,
        "{"
            + topKeys
            + (topKeys.isEmpty() ? "" : ", ")
            + "\"flows\": [{\"filePattern\": \"/var/log/a.log\", \"kinesisStream\": \"a\""
            + (flowKeys.isEmpty() ? "" : ", " + flowKeys)
            + "}]}");
    return ConfigFiles.read(file);
  }

  private static TransportConfig transport(LoadedConfig loaded) {
    return loaded.config().flows().get(0).transportConfig();
  }

  private static ProcessorSpec onlyStep(LoadedConfig loaded) {
    assertThat(loaded.config().flows().get(0).processing()).hasSize(1);
    return loaded.config().flows().get(0).processing().get(0);
  }

  @Test
  void aStandardEndpointWithoutSchemeBecomesItsAwsRegion() throws IOException {
    LoadedConfig loaded = load("\"kinesis.endpoint\": \"kinesis.ap-south-1.amazonaws.com\"", "");

    assertThat(transport(loaded).selection().toString()).isEqualTo("aws:ap-south-1");
    assertThat(transport(loaded).region()).contains("ap-south-1");
  }

  @Test
  void anotherEndpointIsKeptAsAUrlSignedForTheRegion() throws IOException {
    LoadedConfig loaded =
        load(
            "\"kinesis.endpoint\": \"http://127.0.0.1:4567\", \"kinesis.region\": \"us-west-2\"",
            "");

    assertThat(transport(loaded).selection().toString()).isEqualTo("http://127.0.0.1:4567");
    assertThat(transport(loaded).region()).contains("us-west-2");
    assertThat(AgentJsonSamplesTest.notice(loaded, "kinesis.endpoint").message())
        .contains("http://127.0.0.1:4567", "us-west-2");
  }

  @Test
  void aVpcEndpointStaysAUrlAndIsSignedForTheRegionItNames() throws IOException {
    LoadedConfig loaded =
        load(
            "\"kinesis.endpoint\": \"https://vpce-0a1b-x.kinesis.eu-central-1.vpce.amazonaws.com\"",
            "");

    assertThat(transport(loaded).selection().toString())
        .isEqualTo("https://vpce-0a1b-x.kinesis.eu-central-1.vpce.amazonaws.com");
    assertThat(transport(loaded).region()).contains("eu-central-1");
  }

  @Test
  void aRegionAloneBecomesAwsRegion() throws IOException {
    LoadedConfig loaded = load("\"kinesis.region\": \"sa-east-1\"", "");

    assertThat(transport(loaded).selection().toString()).isEqualTo("aws:sa-east-1");
    assertThat(AgentJsonSamplesTest.notice(loaded, "kinesis.region").kind()).isEqualTo(Kind.MAPPED);
  }

  @Test
  void aSecretKeyWithoutItsKeyIdIsReportedAndTheDefaultChainIsUsed() throws IOException {
    LoadedConfig loaded = load("\"awsSecretAccessKey\": \"s3cr3t\"", "");

    assertThat(transport(loaded).credentials()).isEqualTo(CredentialsSource.automatic());
    ConfigNotice notice = AgentJsonSamplesTest.notice(loaded, "awsSecretAccessKey");
    assertThat(notice.kind()).isEqualTo(Kind.UNSUPPORTED);
    assertThat(notice.message()).contains("awsAccessKeyId").doesNotContain("s3cr3t");
  }

  @Test
  void aShortSocketTimeoutAlsoBoundsTheConnect() throws IOException {
    LoadedConfig loaded = load("\"socketTimeoutMillis\": 2000", "");

    assertThat(transport(loaded).callTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(transport(loaded).connectTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aCheckpointFileOnTmpfsIsMappedWithAWarning() throws IOException {
    LoadedConfig loaded =
        load("\"checkpointFile\": \"/var/run/aws-kinesis-agent/checkpoints\"", "");

    assertThat(loaded.config().stateDirectory()).isEqualTo(Path.of("/var/run/aws-kinesis-agent"));
    assertThat(AgentJsonSamplesTest.notice(loaded, "checkpointFile").message())
        .contains("wiped at reboot", "never reads or writes");
  }

  @Test
  void flowsThatSetAnAgentWideValueDifferentlyGetTheSmallest() throws IOException {
    Path file = dir.resolve("agent.json");
    Files.writeString(
        file,
        "{\"flows\": ["
            + "{\"filePattern\": \"/a.log\", \"kinesisStream\": \"a\","
            + " \"minTimeBetweenFilePollsMillis\": 300},"
            + "{\"filePattern\": \"/b.log\", \"kinesisStream\": \"b\","
            + " \"minTimeBetweenFilePollsMillis\": 40}]}");

    assertThat(ConfigFiles.read(file).config().pollInterval()).isEqualTo(Duration.ofMillis(40));
  }

  @Test
  void aSmallBufferSizeIsRaisedToTheKplMinimumAndSaysSo() throws IOException {
    LoadedConfig loaded = load("", "\"maxBufferSizeBytes\": 1000");

    assertThat(loaded.config().flows().get(0).producer().orElseThrow().collectionMaxSize())
        .isEqualTo(52_224);
    assertThat(AgentJsonSamplesTest.notice(loaded, "flows[0].maxBufferSizeBytes").message())
        .contains("raised from 1000");
  }

  @Test
  void numbersAndBooleansAreAlsoTakenAsStringsAsTheKinesisAgentTakesThem() throws IOException {
    LoadedConfig loaded =
        load(
            "\"shutdownTimeoutMillis\": \"3000\"",
            "\"skipHeaderLines\": \"2\", \"dataProcessingOptions\": [{\"optionName\":"
                + " \"ADDMETADATA\", \"timestamp\": true, \"metadata\": {\"n\": 1}}]");

    assertThat(loaded.config().shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(loaded.config().flows().get(0).skipHeaderLines()).isEqualTo(2);
    assertThat(onlyStep(loaded))
        .isEqualTo(new ProcessorSpec.AddMetadata(true, true, false, false, false, Map.of("n", 1)));
  }

  @Test
  void escapedDelimitersBecomeTheirCharacter() throws IOException {
    for (String[] c :
        new String[][] {
          {"\\\\t", "\t"}, {"\\\\|", "|"}, {";", ";"}, {"\\t", "\t"}, {"\\\\.", "."}
        }) {
      LoadedConfig loaded =
          load(
              "",
              "\"dataProcessingOptions\": [{\"optionName\": \"CSVTOJSON\","
                  + " \"customFieldNames\": [\"a\", \"b\"], \"delimiter\": \""
                  + c[0]
                  + "\"}]");

      assertThat(((ProcessorSpec.CsvToJson) onlyStep(loaded)).delimiter())
          .as("delimiter %s", c[0])
          .isEqualTo(c[1].charAt(0));
    }
  }

  @Test
  void unsupportedStepsAreLeftOutWithANotice() throws IOException {
    LoadedConfig loaded =
        load(
            "",
            "\"dataProcessingOptions\": ["
                + "{\"optionName\": \"ADDEC2METADATA\", \"logFormat\": \"RFC3339SYSLOG\"},"
                + "{\"optionName\": \"USINGPLUGGIN\", \"className\": \"com.example.Upper\"},"
                + "{\"optionName\": \"LOGTOJSON\", \"logFormat\": \"APACHEERRORLOG\","
                + " \"jsonFormat\": \"PRETTYPRINT\"}]");

    assertThat(onlyStep(loaded)).isInstanceOf(ProcessorSpec.LogToJson.class);
    assertThat(((ProcessorSpec.LogToJson) onlyStep(loaded)).format())
        .isEqualTo(LogFormat.APACHE_ERROR);
    assertThat(((ProcessorSpec.LogToJson) onlyStep(loaded)).onError()).isEqualTo(OnError.DROP);
    assertThat(AgentJsonSamplesTest.notice(loaded, "flows[0].dataProcessingOptions[0]").kind())
        .isEqualTo(Kind.UNSUPPORTED);
    assertThat(AgentJsonSamplesTest.notice(loaded, "flows[0].dataProcessingOptions[1]").message())
        .contains("USINGPLUGGIN", "com.example.Upper");
    assertThat(
            AgentJsonSamplesTest.notice(loaded, "flows[0].dataProcessingOptions[2].jsonFormat")
                .kind())
        .isEqualTo(Kind.UNSUPPORTED);
  }

  @Test
  void aFileNotNamedJsonIsStillReadAsAgentJsonWhenItStartsWithABrace() throws IOException {
    Path file = dir.resolve("agent.conf");
    Files.writeString(
        file, "\n  {\"flows\": [{\"filePattern\": \"/a.log\", \"kinesisStream\": \"a\"}]}");

    assertThat(ConfigFiles.read(file).config().flows().get(0).transport()).isEqualTo("aws:");
  }
}
