package io.kinesislite.agent.internal;

import static io.kinesislite.agent.internal.Fixtures.CTX;
import static io.kinesislite.agent.internal.Fixtures.json;
import static io.kinesislite.agent.internal.Fixtures.text;
import static io.kinesislite.agent.internal.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.agent.LogFormat;
import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.agent.ProcessorSpec.OnError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessingTest {
  private static final String COMBINED =
      "203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326"
          + " \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"\n";

  private final Fixtures.RecordingListener listener = new Fixtures.RecordingListener();

  private static ProcessorSpec.LogToJson combined(OnError onError) {
    return new ProcessorSpec.LogToJson(
        LogFormat.COMBINED_APACHE, Optional.empty(), List.of(), onError);
  }

  private static ProcessorSpec.AddMetadata metadata(boolean wrap) {
    return new ProcessorSpec.AddMetadata(wrap, true, true, true, true, Map.of("env", "prod"));
  }

  @Test
  void withoutStepsTheRecordComesBackAsTheSameArray() {
    byte[] record = utf8("anything\n");
    assertThat(Processing.of(List.of(), listener).apply(record, CTX)).isSameAs(record);
  }

  @Test
  void bytesThatAreNotUtf8GoThroughStepsThatWriteNoJsonByteForByte() {
    // A lone continuation byte, a truncated two-byte sequence and 0xFF: none is UTF-8.
    byte[] record = {' ', ' ', 'c', 'a', 'f', (byte) 0xC3, ' ', (byte) 0x80, (byte) 0xFF, '\n'};
    Processing processing =
        Processing.of(
            List.of(new ProcessorSpec.SingleLine(false, false), new ProcessorSpec.AddBrackets()),
            listener);

    byte[] out = processing.apply(record, CTX);

    assertThat(out)
        .containsExactly('{', 'c', 'a', 'f', (byte) 0xC3, ' ', (byte) 0x80, (byte) 0xFF, '\n', '}');
    assertThat(listener.errors).isEmpty();
  }

  @Test
  void aJsonStepReadsBytesThatAreNotUtf8AsReplacementCharacters() {
    byte[] record = {'{', '"', 'a', '"', ':', '"', 'x', (byte) 0xFF, 'y', '"', '}', '\n'};
    byte[] out =
        Processing.of(List.of(new ProcessorSpec.JsonPassthrough(OnError.PASS)), listener)
            .apply(record, CTX);
    assertThat(text(out)).isEqualTo("{\"a\":\"x\uFFFDy\"}\n");
  }

  @Test
  void underPassALineThatDoesNotMatchGoesOnUnchangedAndIsReported() {
    byte[] record = utf8("not an access log line\n");
    byte[] out = Processing.of(List.of(combined(OnError.PASS)), listener).apply(record, CTX);
    assertThat(out).isEqualTo(record);
    assertThat(listener.errors)
        .containsExactly("logToJson: line does not match the COMBINED_APACHE pattern");
  }

  @Test
  void underDropALineThatDoesNotMatchIsDroppedAndReported() {
    byte[] out =
        Processing.of(List.of(combined(OnError.DROP)), listener)
            .apply(utf8("not an access log line\n"), CTX);
    assertThat(out).isNull();
    assertThat(listener.errors).hasSize(1).allMatch(e -> e.startsWith("logToJson: "));
  }

  @Test
  void aDroppedRecordDoesNotReachTheLaterSteps() {
    Processing processing =
        Processing.of(List.of(combined(OnError.DROP), new ProcessorSpec.AddBrackets()), listener);
    assertThat(processing.apply(utf8("nope\n"), CTX)).isNull();
  }

  @Test
  void aLineThatMatchesIsNotReported() {
    Processing.of(List.of(combined(OnError.DROP)), listener).apply(utf8(COMBINED), CTX);
    assertThat(listener.errors).isEmpty();
  }

  @Test
  void logToJsonThenAddMetadataWithoutWrapAddsTheMetadataToTheParsedFields() {
    Processing processing =
        Processing.of(List.of(combined(OnError.PASS), metadata(false)), listener);

    byte[] out = processing.apply(utf8(COMBINED), CTX);

    assertThat(text(out))
        .isEqualTo(
            "{\"host\":\"203.0.113.7\",\"ident\":null,\"authuser\":\"frank\","
                + "\"datetime\":\"10/Oct/2000:13:55:36 -0700\","
                + "\"request\":\"GET /apache_pb.gif HTTP/1.0\",\"response\":\"200\","
                + "\"bytes\":\"2326\",\"referer\":\"http://www.example.com/start.html\","
                + "\"agent\":\"Mozilla/4.08 [en] (Win98; I ;Nav)\","
                + "\"@timestamp\":\"2024-06-27T10:15:30.042Z\",\"@host\":\"web-1\","
                + "\"@file\":\"/var/log/app.log\",\"@offset\":1234,\"env\":\"prod\"}\n");
    assertThat(listener.errors).isEmpty();
  }

  @Test
  void afterAStepFailsUnderPassTheLaterStepsStillRunOnTheUnchangedRecord() {
    Processing processing =
        Processing.of(List.of(combined(OnError.PASS), metadata(false)), listener);

    byte[] out = processing.apply(utf8("kernel: out of memory\n"), CTX);

    assertThat(json(out).get("message").asText()).isEqualTo("kernel: out of memory");
    assertThat(json(out).get("@host").asText()).isEqualTo("web-1");
    assertThat(listener.errors).hasSize(1);
  }

  @Test
  void stepsRunInTheOrderGiven() {
    Processing bracketsFirst =
        Processing.of(
            List.of(new ProcessorSpec.AddBrackets(), new ProcessorSpec.SingleLine(false, false)),
            listener);
    Processing singleLineFirst =
        Processing.of(
            List.of(new ProcessorSpec.SingleLine(false, false), new ProcessorSpec.AddBrackets()),
            listener);
    assertThat(text(bracketsFirst.apply(utf8(" a \n b \n"), CTX))).isEqualTo("{ ab}\n");
    assertThat(text(singleLineFirst.apply(utf8(" a \n b \n"), CTX))).isEqualTo("{ab\n}");
  }

  @Test
  void theInputArrayIsNeverModified() {
    byte[] record = utf8("  x  \n");
    byte[] copy = record.clone();
    Processing.of(
            List.of(new ProcessorSpec.SingleLine(false, true), new ProcessorSpec.AddBrackets()),
            listener)
        .apply(record, CTX);
    assertThat(record).isEqualTo(copy);
  }
}
