package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad agent.yaml fails with the file, the key path and the reason. */
class YamlConfigErrorsTest {
  @TempDir Path dir;

  private ConfigFileException failure(String yaml) throws IOException {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, yaml);
    ConfigFileException e = AgentJsonErrorsTest.failure(file);
    assertThat(e.file()).isEqualTo(file);
    assertThat(e.getMessage()).startsWith(file + ": " + (e.key().isEmpty() ? "" : e.key() + ": "));
    return e;
  }

  /** A file of one flow with {@code keys} added to it. */
  private ConfigFileException flowFailure(String keys) throws IOException {
    return failure("flows:\n  - files: /var/log/a.log\n    stream: a\n" + keys);
  }

  @Test
  void aWrongTypeNamesTheKey() throws IOException {
    ConfigFileException e = flowFailure("    skipHeaderLines: many\n");

    assertThat(e.key()).isEqualTo("flows[0].skipHeaderLines");
    assertThat(e.getMessage()).contains("must be a whole number, not a string ('many')");
  }

  @Test
  void aValueOutOfRangeNamesTheKeyAndTheRange() throws IOException {
    ConfigFileException e = flowFailure("    maxRecordBytes: 12\n");

    assertThat(e.key()).isEqualTo("flows[0].maxRecordBytes");
    assertThat(e.getMessage())
        .endsWith("flows[0].maxRecordBytes: must be between 64 and 10485760: 12");
  }

  @Test
  void anUnknownKeyIsAnErrorThatSuggestsAndListsTheValidOnes() throws IOException {
    ConfigFileException e = failure("flows:\n  - files: /a.log\n    strem: a\n");

    assertThat(e.key()).isEqualTo("flows[0].strem");
    assertThat(e.getMessage())
        .contains("unknown key", "did you mean stream?", "valid keys here: createStream,");
  }

  @Test
  void anUnknownTopLevelKeyIsAnError() throws IOException {
    ConfigFileException e = failure("pollIntervall: 1s\nflows: [{files: /a.log, stream: a}]\n");

    assertThat(e.key()).isEqualTo("pollIntervall");
    assertThat(e.getMessage()).contains("did you mean pollInterval?");
  }

  @Test
  void aMissingStreamIsAnError() throws IOException {
    ConfigFileException e = failure("flows:\n  - files: /a.log\n");

    assertThat(e.key()).isEqualTo("flows[0].stream");
    assertThat(e.getMessage()).contains("required");
  }

  @Test
  void missingFilesAndMissingFlowsAreErrors() throws IOException {
    assertThat(failure("flows:\n  - stream: a\n").key()).isEqualTo("flows[0].files");
    assertThat(failure("pollInterval: 1s\n").key()).isEqualTo("flows");
    assertThat(failure("flows: []\n").key()).isEqualTo("flows");
  }

  @Test
  void aBadRegexNamesTheKey() throws IOException {
    ConfigFileException e = flowFailure("    multiLine: {startPattern: '^(unclosed'}\n");

    assertThat(e.key()).isEqualTo("flows[0].multiLine.startPattern");
    assertThat(e.getMessage()).contains("not a regular expression");
  }

  @Test
  void aBadDurationNamesTheKeyAndTheForms() throws IOException {
    ConfigFileException e =
        failure("pollInterval: 5 parsecs\nflows: [{files: /a.log, stream: a}]\n");

    assertThat(e.key()).isEqualTo("pollInterval");
    assertThat(e.getMessage()).contains("'5 parsecs' is not a duration like 100ms");
  }

  @Test
  void aDurationOutOfRangeNamesTheKey() throws IOException {
    ConfigFileException e = failure("pollInterval: 1h\nflows: [{files: /a.log, stream: a}]\n");

    assertThat(e.key()).isEqualTo("pollInterval");
    assertThat(e.getMessage()).endsWith("pollInterval: must be between 1 ms and 10 s: 1 h");
  }

  @Test
  void invertedBackoffsNameTheInitialOne() throws IOException {
    ConfigFileException e =
        failure(
            "retryInitialBackoff: 5s\nretryMaxBackoff: 1s\nflows: [{files: /a.log, stream: a}]\n");

    assertThat(e.key()).isEqualTo("retryInitialBackoff");
    assertThat(e.getMessage()).contains("must not exceed retryMaxBackoff");
  }

  @Test
  void aSyntaxErrorGivesTheLineAndColumn() throws IOException {
    ConfigFileException e = failure("flows:\n  - files: [/a.log\n    stream: a\n");

    assertThat(e.key()).isEmpty();
    assertThat(e.getMessage()).containsPattern("not valid YAML at line \\d+, column \\d+");
  }

  @Test
  void aDuplicateKeyIsAnError() throws IOException {
    ConfigFileException e = failure("flows: [{files: /a.log, stream: a, stream: b}]\n");

    assertThat(e.getMessage()).contains("stream").containsIgnoringCase("duplicate");
  }

  @Test
  void anEmptyFileIsAnError() throws IOException {
    assertThat(failure("# nothing here\n").getMessage()).contains("empty");
  }

  @Test
  void aStepWithTwoNamesOrAnUnknownNameIsAnError() throws IOException {
    ConfigFileException two =
        flowFailure("    processing:\n      - {singleLine: {}, addBrackets: {}}\n");
    ConfigFileException unknown =
        flowFailure("    processing:\n      - csvTojson: {fields: [a]}\n");

    assertThat(two.key()).isEqualTo("flows[0].processing[0]");
    assertThat(unknown.key()).isEqualTo("flows[0].processing[0]");
    assertThat(unknown.getMessage()).contains("did you mean csvToJson?");
  }

  @Test
  void stepOptionsAreCheckedByName() throws IOException {
    ConfigFileException csv =
        flowFailure("    processing:\n      - csvToJson: {fields: [a], delimiter: '||'}\n");
    ConfigFileException onError =
        flowFailure("    processing:\n      - jsonPassthrough: {onError: ignore}\n");
    ConfigFileException option =
        flowFailure("    processing:\n      - singleLine: {trim: false}\n");
    ConfigFileException noFields = flowFailure("    processing:\n      - csvToJson: {}\n");

    assertThat(csv.key()).isEqualTo("flows[0].processing[0].csvToJson.delimiter");
    assertThat(onError.key()).isEqualTo("flows[0].processing[0].jsonPassthrough.onError");
    assertThat(option.key()).isEqualTo("flows[0].processing[0].singleLine.trim");
    assertThat(noFields.key()).isEqualTo("flows[0].processing[0].csvToJson.fields");
  }

  @Test
  void logToJsonNeedsAFormatOrAPatternWithNamedFields() throws IOException {
    ConfigFileException none = flowFailure("    processing:\n      - logToJson: {}\n");
    ConfigFileException unnamed =
        flowFailure("    processing:\n      - logToJson: {matchPattern: '^(\\w+)$'}\n");

    assertThat(none.key()).isEqualTo("flows[0].processing[0].logToJson.format");
    assertThat(unnamed.key()).isEqualTo("flows[0].processing[0].logToJson.fields");
  }

  @Test
  void aKeyRegexGroupMustExist() throws IOException {
    ConfigFileException named =
        flowFailure("    partitionKey: {regex: '^(?<user>\\w+)', group: usr}\n");
    ConfigFileException numbered = flowFailure("    partitionKey: {regex: '^\\w+'}\n");

    assertThat(named.key()).isEqualTo("flows[0].partitionKey.group");
    assertThat(named.getMessage()).contains("no group named 'usr'", "user");
    assertThat(numbered.key()).isEqualTo("flows[0].partitionKey.regex");
    assertThat(numbered.getMessage()).contains("group 1 does not exist");
  }

  @Test
  void anUnknownKeySourceListsTheForms() throws IOException {
    ConfigFileException e = flowFailure("    partitionKey: shard\n");

    assertThat(e.key()).isEqualTo("flows[0].partitionKey");
    assertThat(e.getMessage()).contains("random, line-hash, file, host");
  }

  @Test
  void producerKeysAreTheKplsAndTheirValuesItsRanges() throws IOException {
    ConfigFileException unknown =
        failure("producer: {RecordMaxBuferedTime: 5}\nflows: [{files: /a.log, stream: a}]\n");
    ConfigFileException range = flowFailure("    producer: {CollectionMaxCount: 501}\n");
    ConfigFileException transport =
        failure("producer: {Region: us-east-1}\nflows: [{files: /a.log, stream: a}]\n");

    assertThat(unknown.key()).isEqualTo("producer.RecordMaxBuferedTime");
    assertThat(unknown.getMessage()).contains("did you mean RecordMaxBufferedTime?");
    assertThat(range.key()).isEqualTo("flows[0].producer.CollectionMaxCount");
    assertThat(range.getMessage()).contains("between 1 and 500");
    assertThat(transport.key()).isEqualTo("producer.Region");
    assertThat(transport.getMessage()).contains("transport");
  }

  @Test
  void transportErrorsNameTheTransportKey() throws IOException {
    ConfigFileException selection = flowFailure("    transport: kinesis://x\n");
    ConfigFileException option = flowFailure("    transport: {maxAttempts: 0}\n");
    ConfigFileException trust =
        flowFailure(
            "    transport: {selection: 'aws:us-east-1', trustSelfSignedCertificates: true}\n");

    assertThat(selection.key()).isEqualTo("flows[0].transport");
    assertThat(selection.getMessage()).contains("embedded:, embedded:DIR, aws:");
    assertThat(option.key()).isEqualTo("flows[0].transport.maxAttempts");
    assertThat(trust.key()).isEqualTo("flows[0].transport");
    assertThat(trust.getMessage()).contains("local endpoints only");
  }

  @Test
  void aRecordLargerThanTheTransportTakesIsAnError() throws IOException {
    ConfigFileException e = flowFailure("    maxRecordBytes: 2MiB\n");

    assertThat(e.key()).isEqualTo("flows[0].maxRecordBytes");
    assertThat(e.getMessage()).contains("maxRecordSize");
  }

  @Test
  void aBadMetricsAddressIsAnError() throws IOException {
    ConfigFileException e =
        failure("metrics: {address: 'localhost'}\nflows: [{files: /a.log, stream: a}]\n");

    assertThat(e.key()).isEqualTo("metrics.address");
    assertThat(e.getMessage()).contains("HOST:PORT");
  }

  @Test
  void aRelativeFilePatternIsRefusedByTheModel() throws IOException {
    ConfigFileException e = failure("flows: [{files: [var/log/a.log], stream: a}]\n");

    assertThat(e.key()).isEqualTo("flows[0].files");
    assertThat(e.getMessage()).contains("absolute path");
  }
}
