package io.kinesislite.agent.internal;

import static io.kinesislite.agent.internal.Fixtures.CTX;
import static io.kinesislite.agent.internal.Fixtures.json;
import static io.kinesislite.agent.internal.Fixtures.text;
import static io.kinesislite.agent.internal.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.agent.ProcessorSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessingAddMetadataTest {
  private static String apply(ProcessorSpec.AddMetadata spec, String record) throws StepFailure {
    return apply(spec, record, CTX);
  }

  private static String apply(ProcessorSpec.AddMetadata spec, String record, RecordContext ctx)
      throws StepFailure {
    return text(new AddMetadataStep(spec).apply(utf8(record), ctx));
  }

  private static ProcessorSpec.AddMetadata wrap(boolean timestamp, Map<String, Object> fields) {
    return new ProcessorSpec.AddMetadata(true, timestamp, false, false, false, fields);
  }

  private static ProcessorSpec.AddMetadata flat(Map<String, Object> fields) {
    return new ProcessorSpec.AddMetadata(false, true, true, true, true, fields);
  }

  @Test
  void wrapGivesTheKinesisAgentsShapeWithTheLineWithoutItsNewlineAsData() throws StepFailure {
    assertThat(apply(wrap(true, Map.of("env", "prod")), "GET /index.html 200\n"))
        .isEqualTo(
            "{\"ts\":\"2024-06-27T10:15:30.042Z\",\"metadata\":{\"env\":\"prod\"},"
                + "\"data\":\"GET /index.html 200\"}\n");
  }

  @Test
  void wrapWithoutTimestampHasNoTs() throws StepFailure {
    assertThat(apply(wrap(false, Map.of()), "x\n")).isEqualTo("{\"metadata\":{},\"data\":\"x\"}\n");
  }

  @Test
  void wrapKeepsAJsonRecordAsAStringLikeTheKinesisAgent() throws StepFailure {
    assertThat(json(apply(wrap(false, Map.of()), "{\"a\":1}\n")).get("data").asText())
        .isEqualTo("{\"a\":1}");
  }

  @Test
  void wrapPutsHostFileAndOffsetInTheMetadata() throws StepFailure {
    ProcessorSpec.AddMetadata spec =
        new ProcessorSpec.AddMetadata(true, false, true, true, true, Map.of("env", "prod"));
    assertThat(apply(spec, "x\n"))
        .isEqualTo(
            "{\"metadata\":{\"@host\":\"web-1\",\"@file\":\"/var/log/app.log\",\"@offset\":1234,"
                + "\"env\":\"prod\"},\"data\":\"x\"}\n");
  }

  @Test
  void withoutWrapAJsonObjectGetsTheAdditionsAfterItsOwnFieldsCopiedAsWritten() throws StepFailure {
    assertThat(apply(flat(Map.of("env", "prod")), "{ \"a\" : 1.50, \"b\" : [true, null] }\n"))
        .isEqualTo(
            "{\"a\":1.50,\"b\":[true,null],\"@timestamp\":\"2024-06-27T10:15:30.042Z\","
                + "\"@host\":\"web-1\",\"@file\":\"/var/log/app.log\",\"@offset\":1234,"
                + "\"env\":\"prod\"}\n");
  }

  @Test
  void aNameTheRecordAlreadyHasKeepsTheRecordsValue() throws StepFailure {
    String out =
        apply(flat(Map.of("env", "prod")), "{\"@timestamp\":\"event time\",\"env\":\"dev\"}\n");
    assertThat(out)
        .isEqualTo(
            "{\"@timestamp\":\"event time\",\"env\":\"dev\",\"@host\":\"web-1\","
                + "\"@file\":\"/var/log/app.log\",\"@offset\":1234}\n");
  }

  @Test
  void withoutWrapARecordThatIsNotJsonBecomesAMessage() throws StepFailure {
    assertThat(apply(flat(Map.of()), "plain text\r\n"))
        .isEqualTo(
            "{\"message\":\"plain text\",\"@timestamp\":\"2024-06-27T10:15:30.042Z\","
                + "\"@host\":\"web-1\",\"@file\":\"/var/log/app.log\",\"@offset\":1234}\n");
  }

  @Test
  void aRecordThatOnlyLooksLikeAnObjectBecomesAMessage() throws StepFailure {
    ProcessorSpec.AddMetadata none =
        new ProcessorSpec.AddMetadata(false, false, false, false, false, Map.of());
    assertThat(apply(none, "{not json}\n")).isEqualTo("{\"message\":\"{not json}\"}\n");
    assertThat(apply(none, "{\"a\":1} trailing\n"))
        .isEqualTo("{\"message\":\"{\\\"a\\\":1} trailing\"}\n");
    assertThat(apply(none, "{\"a\":1\n")).isEqualTo("{\"message\":\"{\\\"a\\\":1\"}\n");
  }

  @Test
  void aJsonArrayIsNotAnObjectSoItBecomesAMessage() throws StepFailure {
    ProcessorSpec.AddMetadata none =
        new ProcessorSpec.AddMetadata(false, false, true, false, false, Map.of());
    assertThat(apply(none, "[1,2]\n")).isEqualTo("{\"message\":\"[1,2]\",\"@host\":\"web-1\"}\n");
  }

  @Test
  void fieldValuesMayBeAnyJson() throws StepFailure {
    Map<String, Object> fields =
        Map.of("tags", List.of("a", "b"), "owner", Map.of("team", "core"), "n", 3, "on", true);
    String out =
        apply(new ProcessorSpec.AddMetadata(false, false, false, false, false, fields), "{}\n");
    assertThat(json(out))
        .isEqualTo(
            json("{\"tags\":[\"a\",\"b\"],\"owner\":{\"team\":\"core\"},\"n\":3,\"on\":true}"));
  }

  @Test
  void aFieldNamedLikeAnEnabledContextValueIsRejected() {
    ProcessorSpec.AddMetadata spec = flat(Map.of("@host", "other"));
    assertThatThrownBy(() -> new AddMetadataStep(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("addMetadata")
        .hasMessageContaining("@host");
  }

  @Test
  void timestampsAreUtcWithThreeDigitsOfMillisecondsTruncated() throws StepFailure {
    AddMetadataStep step = new AddMetadataStep(wrap(true, Map.of()));
    String[][] cases = {
      {"2024-06-27T10:15:30.007999Z", "2024-06-27T10:15:30.007Z"},
      {"2024-06-27T10:15:30.070Z", "2024-06-27T10:15:30.070Z"},
      {"2024-06-27T10:15:31Z", "2024-06-27T10:15:31.000Z"},
      {"2024-06-27T10:15:30.999Z", "2024-06-27T10:15:30.999Z"},
      {"1969-12-31T23:59:59.500Z", "1969-12-31T23:59:59.500Z"},
    };
    for (String[] c : cases) {
      RecordContext ctx = new RecordContext("f", 0, "h", Instant.parse(c[0]));
      assertThat(json(step.apply(utf8("x"), ctx)).get("ts").asText()).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void bytesThatAreNotUtf8BecomeReplacementCharactersInTheMessage() throws StepFailure {
    byte[] record = {'a', (byte) 0xC0, 'b', '\n'};
    byte[] out =
        new AddMetadataStep(
                new ProcessorSpec.AddMetadata(false, false, false, false, false, Map.of()))
            .apply(record, CTX);
    assertThat(text(out)).isEqualTo("{\"message\":\"a\uFFFDb\"}\n");
  }
}
