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

class ProcessingCsvToJsonTest {
  private static final List<String> FIELDS = List.of("id", "name", "amount");

  private static String convert(char delimiter, String record) throws StepFailure {
    return text(
        new CsvToJsonStep(new ProcessorSpec.CsvToJson(FIELDS, delimiter, OnError.PASS))
            .apply(utf8(record), CTX));
  }

  private static String convert(String record) throws StepFailure {
    return convert(',', record);
  }

  @Test
  void aLineBecomesAnObjectOfStringsEndingWithANewline() throws StepFailure {
    assertThat(convert("17,widget,12.50\n"))
        .isEqualTo("{\"id\":\"17\",\"name\":\"widget\",\"amount\":\"12.50\"}\n");
  }

  @Test
  void aQuotedCsvFieldMayHoldTheDelimiter() throws StepFailure {
    assertThat(convert("17,\"Smith, John\",12.50\n"))
        .isEqualTo("{\"id\":\"17\",\"name\":\"Smith, John\",\"amount\":\"12.50\"}\n");
  }

  @Test
  void aDoubledQuoteInsideQuotesIsOneQuoteAndTheOuterQuotesAreNotKept() throws StepFailure {
    assertThat(convert("17,\"the \"\"best\"\" one\",1\n"))
        .isEqualTo("{\"id\":\"17\",\"name\":\"the \\\"best\\\" one\",\"amount\":\"1\"}\n");
  }

  @Test
  void aQuotedFieldMayHoldANewline() throws StepFailure {
    assertThat(convert("17,\"two\nlines\",1\n"))
        .isEqualTo("{\"id\":\"17\",\"name\":\"two\\nlines\",\"amount\":\"1\"}\n");
  }

  @Test
  void missingColumnsBecomeNullAndExtraColumnsAreDropped() throws StepFailure {
    assertThat(convert("17\n")).isEqualTo("{\"id\":\"17\",\"name\":null,\"amount\":null}\n");
    assertThat(convert("17,widget,12.50,extra,more\n"))
        .isEqualTo("{\"id\":\"17\",\"name\":\"widget\",\"amount\":\"12.50\"}\n");
  }

  @Test
  void emptyFieldsStayEmptyStringsAndSpacesAreKept() throws StepFailure {
    assertThat(convert(", padded ,\n"))
        .isEqualTo("{\"id\":\"\",\"name\":\" padded \",\"amount\":\"\"}\n");
  }

  @Test
  void anEmptyLineGivesAnEmptyFirstFieldAsTheKinesisAgentDoes() throws StepFailure {
    assertThat(convert("\n")).isEqualTo("{\"id\":\"\",\"name\":null,\"amount\":null}\n");
  }

  @Test
  void aTrailingCrLfIsNotPartOfTheLastField() throws StepFailure {
    assertThat(convert("17,widget,12.50\r\n"))
        .isEqualTo("{\"id\":\"17\",\"name\":\"widget\",\"amount\":\"12.50\"}\n");
  }

  @Test
  void theDelimiterIsACharacterNotARegularExpression() throws StepFailure {
    assertThat(convert('\t', "17\t\"a\tb\"\t3\n"))
        .isEqualTo("{\"id\":\"17\",\"name\":\"a\\tb\",\"amount\":\"3\"}\n");
    assertThat(convert('|', "17|a,b|3\n"))
        .isEqualTo("{\"id\":\"17\",\"name\":\"a,b\",\"amount\":\"3\"}\n");
  }

  @Test
  void textThatIsNotAsciiIsKeptAndBytesThatAreNotUtf8BecomeReplacementCharacters()
      throws StepFailure {
    assertThat(convert("1,Ünïcødé,€\n"))
        .isEqualTo("{\"id\":\"1\",\"name\":\"Ünïcødé\",\"amount\":\"€\"}\n");
    byte[] invalid = {'1', ',', (byte) 0xFF, ',', '2', '\n'};
    byte[] out =
        new CsvToJsonStep(new ProcessorSpec.CsvToJson(FIELDS, ',', OnError.PASS))
            .apply(invalid, CTX);
    assertThat(text(out)).isEqualTo("{\"id\":\"1\",\"name\":\"\uFFFD\",\"amount\":\"2\"}\n");
  }

  @Test
  void aQuoteThatIsNeverClosedIsAFailure() {
    assertThatThrownBy(() -> convert("17,\"unclosed,3\n"))
        .isInstanceOf(StepFailure.class)
        .hasMessageStartingWith("invalid CSV: ")
        .hasMessageNotContaining("unclosed");
  }

  @Test
  void aNewlineOutsideQuotesIsAFailureRatherThanALostRow() {
    assertThatThrownBy(() -> convert("1,a,2\n3,b,4\n"))
        .isInstanceOf(StepFailure.class)
        .hasMessageContaining("more than one CSV row");
  }

  @Test
  void underPassAFailedLineGoesOnUnchangedAndUnderDropItIsDropped() {
    byte[] record = utf8("17,\"unclosed\n");
    Fixtures.RecordingListener listener = new Fixtures.RecordingListener();
    Processing pass =
        Processing.of(List.of(new ProcessorSpec.CsvToJson(FIELDS, ',', OnError.PASS)), listener);
    Processing drop =
        Processing.of(List.of(new ProcessorSpec.CsvToJson(FIELDS, ',', OnError.DROP)), listener);

    assertThat(pass.apply(record, CTX)).isEqualTo(record);
    assertThat(drop.apply(record, CTX)).isNull();
    assertThat(listener.errors).hasSize(2).allMatch(e -> e.startsWith("csvToJson: invalid CSV"));
  }
}
