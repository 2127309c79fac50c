package io.kinesislite.agent.internal;

import static io.kinesislite.agent.internal.Fixtures.CTX;
import static io.kinesislite.agent.internal.Fixtures.text;
import static io.kinesislite.agent.internal.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.agent.ProcessorSpec.OnError;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessingJsonPassthroughTest {
  private final JsonPassthroughStep step = new JsonPassthroughStep();

  private String apply(String record) throws StepFailure {
    return text(step.apply(utf8(record), CTX));
  }

  @Test
  void aJsonRecordIsSentCompactEndingWithANewline() throws StepFailure {
    assertThat(apply("{ \"a\" : 1 ,\n  \"b\" : [ true , null , \"x y\" ] }\n"))
        .isEqualTo("{\"a\":1,\"b\":[true,null,\"x y\"]}\n");
  }

  @Test
  void numbersFieldOrderAndDuplicateNamesAreKeptAsWritten() throws StepFailure {
    assertThat(apply("{\"z\":1.10,\"big\":123456789012345678901234567890,\"e\":1E400,\"z\":2}"))
        .isEqualTo("{\"z\":1.10,\"big\":123456789012345678901234567890,\"e\":1E400,\"z\":2}\n");
  }

  @Test
  void escapesAndTextThatIsNotAsciiSurvive() throws StepFailure {
    assertThat(apply("{\"s\":\"tab\\there \\\"q\\\" \\u00e9 日本\"}"))
        .isEqualTo("{\"s\":\"tab\\there \\\"q\\\" é 日本\"}\n");
  }

  @Test
  void aScalarIsJsonToo() throws StepFailure {
    assertThat(apply("  \"just a string\"  \n")).isEqualTo("\"just a string\"\n");
  }

  @Test
  void textThatIsNotJsonIsAFailure() {
    assertThatThrownBy(() -> apply("hello world\n"))
        .isInstanceOf(StepFailure.class)
        .hasMessageStartingWith("invalid JSON");
    assertThatThrownBy(() -> apply("{\"a\":1\n")).isInstanceOf(StepFailure.class);
  }

  @Test
  void anythingAfterTheValueIsAFailure() {
    assertThatThrownBy(() -> apply("{\"a\":1} {\"b\":2}\n"))
        .isInstanceOf(StepFailure.class)
        .hasMessage("more than one JSON value");
  }

  @Test
  void anEmptyRecordIsAFailure() {
    assertThatThrownBy(() -> apply(" \n"))
        .isInstanceOf(StepFailure.class)
        .hasMessage("empty record, not JSON");
  }

  @Test
  void underPassInvalidJsonGoesOnUnchangedAndUnderDropItIsDropped() {
    byte[] record = utf8("not json\n");
    Fixtures.RecordingListener listener = new Fixtures.RecordingListener();
    assertThat(
            Processing.of(List.of(new ProcessorSpec.JsonPassthrough(OnError.PASS)), listener)
                .apply(record, CTX))
        .isEqualTo(record);
    assertThat(
            Processing.of(List.of(new ProcessorSpec.JsonPassthrough(OnError.DROP)), listener)
                .apply(record, CTX))
        .isNull();
    assertThat(listener.errors)
        .hasSize(2)
        .allMatch(e -> e.startsWith("jsonPassthrough: invalid JSON"));
  }
}
