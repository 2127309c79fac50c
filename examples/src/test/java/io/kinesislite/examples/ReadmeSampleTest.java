package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's code sample is {@link ReadmeSample}: shown exactly, and it runs. */
class ReadmeSampleTest {
  private static final Path SAMPLE =
      Path.of("src/main/java/io/kinesislite/examples/ReadmeSample.java");
  private static final Path README = Path.of("..", "README.md");

  @Test
  void theReadmeShowsTheSampleAsItIsCompiled() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);

    assertThat(readme)
        .contains("```java\n" + marked("// README start", "// README end") + "\n```")
        .contains(
            "```java\n" + marked("// README start processor", "// README end processor") + "\n```");
  }

  @Test
  void theSampleRunsAndEveryRecordArrives() {
    assertThatCode(() -> ReadmeSample.run("readme-sample-test")).doesNotThrowAnyException();
  }

  /** The lines between two marker comments, without their common indentation. */
  private static String marked(String start, String end) throws IOException {
    List<String> lines = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
    int from = indexOf(lines, start);
    int to = indexOf(lines, end);
    List<String> body = new ArrayList<>(lines.subList(from + 1, to));
    while (!body.isEmpty() && body.get(body.size() - 1).isBlank()) {
      body.remove(body.size() - 1);
    }
    int indent =
        body.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return String.join(
        "\n", body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
  }

  private static int indexOf(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError(SAMPLE + " has no line '" + marker + "'");
  }
}
