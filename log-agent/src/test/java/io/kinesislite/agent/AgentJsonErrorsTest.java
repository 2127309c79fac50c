package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent.json kinesis-lite cannot run fails with the file, the key and the reason. */
class AgentJsonErrorsTest {
  @TempDir Path dir;

  static ConfigFileException failure(Path file) {
    try {
      ConfigFiles.read(file);
    } catch (ConfigFileException e) {
      return e;
    }
    throw new AssertionError("expected " + file + " to fail to load");
  }

  private ConfigFileException failure(String json) throws IOException {
    Path file = dir.resolve("agent.json");
    Files.writeString(file, json);
    ConfigFileException e = failure(file);
    assertThat(e.file()).isEqualTo(file);
    assertThat(e.getMessage()).startsWith(file + ": ");
    return e;
  }

  private ConfigFileException flowFailure(String flowKeys) throws IOException {
    return failure(
        "{\"flows\": [{\"filePattern\": \"/var/log/a.log\", \"kinesisStream\": \"a\", "
            + flowKeys
            + "}]}");
  }

  @Test
  void aSyntaxErrorGivesTheLineAndColumn() throws IOException {
    ConfigFileException e =
        failure(
            "{\n  \"flows\": [\n    {\"filePattern\": \"/a\" \"kinesisStream\": \"b\"}\n  ]\n}");

    assertThat(e.key()).isEmpty();
    assertThat(e.getMessage()).contains("not valid JSON at line 3, column");
  }

  @Test
  void aFlowWithNeitherStreamIsAnError() throws IOException {
    ConfigFileException e = failure("{\"flows\": [{\"filePattern\": \"/var/log/a.log\"}]}");

    assertThat(e.key()).isEqualTo("flows[0]");
    assertThat(e.getMessage()).contains("neither kinesisStream nor deliveryStream");
  }

  @Test
  void aFileWithOnlyFirehoseFlowsHasNothingToRun() throws IOException {
    ConfigFileException e =
        failure("{\"flows\": [{\"filePattern\": \"/var/log/a.log\", \"deliveryStream\": \"d\"}]}");

    assertThat(e.key()).isEqualTo("flows");
    assertThat(e.getMessage()).contains("no Kinesis flow", "Firehose");
  }

  @Test
  void missingFlowsIsAnError() throws IOException {
    ConfigFileException e = failure("{\"cloudwatch.emitMetrics\": false}");

    assertThat(e.key()).isEqualTo("flows");
    assertThat(e.getMessage()).contains("required");
  }

  @Test
  void aWrongTypeNamesTheKey() throws IOException {
    ConfigFileException e = flowFailure("\"skipHeaderLines\": \"many\"");

    assertThat(e.key()).isEqualTo("flows[0].skipHeaderLines");
    assertThat(e.getMessage()).contains("must be a whole number");
  }

  @Test
  void aValueOutsideTheKinesisAgentsRangeIsAnError() throws IOException {
    ConfigFileException e = flowFailure("\"maxBufferSizeRecords\": 501");

    assertThat(e.key()).isEqualTo("flows[0].maxBufferSizeRecords");
    assertThat(e.getMessage()).contains("between 1 and 500", "501");
  }

  @Test
  void aValueTheBuilderRefusesKeepsTheAgentJsonKey() throws IOException {
    ConfigFileException e = flowFailure("\"minTimeBetweenFilePollsMillis\": 60000");

    assertThat(e.key()).isEqualTo("flows[0].minTimeBetweenFilePollsMillis");
    assertThat(e.getMessage()).contains("pollInterval must be between 1 ms and 10 s");
  }

  @Test
  void aBadRegexNamesTheKey() throws IOException {
    ConfigFileException e = flowFailure("\"multiLineStartPattern\": \"^(unclosed\"");

    assertThat(e.key()).isEqualTo("flows[0].multiLineStartPattern");
    assertThat(e.getMessage()).contains("not a regular expression");
  }

  @Test
  void aRegexDelimiterThatIsNotOneCharacterIsExplained() throws IOException {
    ConfigFileException e =
        flowFailure(
            "\"dataProcessingOptions\": [{\"optionName\": \"CSVTOJSON\","
                + " \"customFieldNames\": [\"a\"], \"delimiter\": \"[,;]\"}]");

    assertThat(e.key()).isEqualTo("flows[0].dataProcessingOptions[0].delimiter");
    assertThat(e.getMessage()).contains("regular expression", "one", "character", "[,;]");
  }

  @Test
  void aBarePipeDelimiterIsARegexOperatorAndSuggestsEscapingIt() throws IOException {
    ConfigFileException e =
        flowFailure(
            "\"dataProcessingOptions\": [{\"optionName\": \"CSVTOJSON\","
                + " \"customFieldNames\": [\"a\"], \"delimiter\": \"|\"}]");

    assertThat(e.getMessage()).contains("regex operator", "\"\\\\|\"");
  }

  @Test
  void logToJsonFieldNamesMustFitTheFormatOrThePattern() throws IOException {
    ConfigFileException tooFew =
        flowFailure(
            "\"dataProcessingOptions\": [{\"optionName\": \"LOGTOJSON\","
                + " \"logFormat\": \"SYSLOG\", \"customFieldNames\": [\"a\", \"b\"]}]");
    ConfigFileException noNames =
        flowFailure(
            "\"dataProcessingOptions\": [{\"optionName\": \"LOGTOJSON\","
                + " \"logFormat\": \"SYSLOG\", \"matchPattern\": \"^(\\\\S+) (.*)$\"}]");
    ConfigFileException tooManyNames =
        flowFailure(
            "\"dataProcessingOptions\": [{\"optionName\": \"LOGTOJSON\","
                + " \"logFormat\": \"SYSLOG\", \"matchPattern\": \"^(\\\\S+)\","
                + " \"customFieldNames\": [\"a\", \"b\"]}]");

    assertThat(tooFew.key()).isEqualTo("flows[0].dataProcessingOptions[0].customFieldNames");
    assertThat(tooFew.getMessage()).contains("5 names, not 2");
    assertThat(noNames.key()).isEqualTo("flows[0].dataProcessingOptions[0].customFieldNames");
    assertThat(tooManyNames.key()).isEqualTo("flows[0].dataProcessingOptions[0].matchPattern");
    assertThat(tooManyNames.getMessage()).contains("1 capturing group but customFieldNames");
  }

  @Test
  void anUnknownProcessingOptionIsAnError() throws IOException {
    ConfigFileException e =
        flowFailure("\"dataProcessingOptions\": [{\"optionName\": \"TOUPPERCASE\"}]");

    assertThat(e.key()).isEqualTo("flows[0].dataProcessingOptions[0].optionName");
    assertThat(e.getMessage()).contains("TOUPPERCASE", "SINGLELINE");
  }

  @Test
  void aNonObjectMetadataIsAnError() throws IOException {
    ConfigFileException e =
        flowFailure(
            "\"dataProcessingOptions\": [{\"optionName\": \"ADDMETADATA\", \"metadata\": \"x\"}]");

    assertThat(e.key()).isEqualTo("flows[0].dataProcessingOptions[0].metadata");
    assertThat(e.getMessage()).contains("object of fields");
  }

  @Test
  void twoFlowsWithTheSameStreamAndPatternAreRefused() throws IOException {
    ConfigFileException e =
        failure(
            "{\"flows\": [{\"filePattern\": \"/a.log\", \"kinesisStream\": \"s\"},"
                + " {\"filePattern\": \"/a.log\", \"kinesisStream\": \"s\"}]}");

    assertThat(e.key()).isEqualTo("flows");
    assertThat(e.getMessage()).contains("two flows have the id 'kinesis:s:/a.log'");
  }

  @Test
  void aConnectTimeoutOutOfTheTransportsRangeIsRefusedNamingTheKey() throws IOException {
    ConfigFileException e =
        failure(
            "{\"connectionTimeoutMillis\": 400000,"
                + " \"flows\": [{\"filePattern\": \"/a.log\", \"kinesisStream\": \"s\"}]}");

    assertThat(e.key()).isEqualTo("connectionTimeoutMillis");
    assertThat(e.getMessage()).contains("connectTimeout");
  }

  @Test
  void aMissingFileIsAnError() {
    assertThatThrownBy(() -> ConfigFiles.read(dir.resolve("nope.json")))
        .isInstanceOf(ConfigFileException.class)
        .hasMessageContaining("no such file");
  }
}
