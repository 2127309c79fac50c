package io.kinesislite.agent.internal;

import static io.kinesislite.agent.internal.Fixtures.CTX;
import static io.kinesislite.agent.internal.Fixtures.text;
import static io.kinesislite.agent.internal.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.agent.ProcessorSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProcessingSingleLineTest {
  private static String apply(boolean noTrim, boolean escapeNewLine, String record) {
    return text(
        new SingleLineStep(new ProcessorSpec.SingleLine(noTrim, escapeNewLine))
            .apply(utf8(record), CTX));
  }

  /** The Kinesis Agent's SINGLELINE, on text: split, trim, join, newline. */
  private static String reference(boolean noTrim, boolean escapeNewLine, String record) {
    String[] lines = record.split("\n");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i > 0 && escapeNewLine) {
        out.append("\\n");
      }
      out.append(noTrim ? lines[i] : lines[i].trim());
    }
    return out.append('\n').toString();
  }

  @Test
  void aStackTraceBecomesOneTrimmedLineEndingInANewline() {
    String trace =
        "java.lang.IllegalStateException: boom\n"
            + "\tat com.example.Foo.bar(Foo.java:10)\n"
            + "\tat com.example.Main.main(Main.java:3)\n";
    assertThat(apply(false, false, trace))
        .isEqualTo(
            "java.lang.IllegalStateException: boom"
                + "at com.example.Foo.bar(Foo.java:10)"
                + "at com.example.Main.main(Main.java:3)\n");
  }

  @Test
  void escapeNewLineJoinsTheLinesWithABackslashAndN() {
    assertThat(apply(false, true, "first\n  second  \nthird\n"))
        .isEqualTo("first\\nsecond\\nthird\n");
  }

  @Test
  void noTrimKeepsTheSpacesAroundEachLine() {
    assertThat(apply(true, false, "  a \n\t b\n")).isEqualTo("  a \t b\n");
  }

  @Test
  void aCarriageReturnIsTrimmedLikeAnyWhitespace() {
    assertThat(apply(false, false, "a\r\nb\r\n")).isEqualTo("ab\n");
  }

  @Test
  void emptyLinesAtTheEndAreDroppedAndEmptyLinesBeforeAreKept() {
    assertThat(apply(false, true, "\na\n\nb\n\n\n")).isEqualTo("\\na\\n\\nb\n");
  }

  @Test
  void anEmptyRecordBecomesANewline() {
    assertThat(apply(false, false, "")).isEqualTo("\n");
    assertThat(apply(false, true, "\n\n")).isEqualTo("\n");
  }

  @Test
  void aRecordThatIsAlreadyOneTrimmedLineComesBackAsTheSameArray() {
    byte[] record = utf8("GET /index.html 200\n");
    SingleLineStep step = new SingleLineStep(new ProcessorSpec.SingleLine(false, false));
    assertThat(step.apply(record, CTX)).isSameAs(record);
  }

  @Test
  void aLineWithoutItsNewlineGetsOne() {
    assertThat(apply(false, false, "no newline")).isEqualTo("no newline\n");
  }

  @Test
  void multiByteCharactersAreKept() {
    assertThat(apply(false, true, "  grüße \n 日本 \n")).isEqualTo("grüße\\n日本\n");
  }

  @Test
  void itDoesWhatTheKinesisAgentDoesOnAnyText() {
    Random random = new Random(42);
    char[] alphabet = {'a', 'b', ' ', '\t', '\n', '\r', 'é', '\u000b'};
    for (int run = 0; run < 5_000; run++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(12);
      for (int i = 0; i < length; i++) {
        s.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String record = s.toString();
      for (int options = 0; options < 4; options++) {
        boolean noTrim = (options & 1) != 0;
        boolean escape = (options & 2) != 0;
        assertThat(apply(noTrim, escape, record))
            .as("noTrim=%s escape=%s record=[%s]", noTrim, escape, record)
            .isEqualTo(reference(noTrim, escape, record));
      }
    }
  }
}
