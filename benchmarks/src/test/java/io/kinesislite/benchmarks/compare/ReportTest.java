package io.kinesislite.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  private static final Comparison FAKE =
      new Comparison() {
        @Override
        public String name() {
          return "fake";
        }

        @Override
        public String settings(Mode mode) {
          return "both sides at their defaults, " + mode;
        }

        @Override
        public List<Row> run(Mode mode, Workspace workspace) {
          return List.of();
        }
      };

  @Test
  void theRatioSaysHowManyTimesBetterKinesisLiteIsWhicheverWayTheMetricGoes() {
    Row faster = new Row("p", "records/s", "records/s", 300, "KPL", 100, Row.Better.HIGHER, "");
    Row leaner = new Row("p", "CPU", "s per million", 2, "KPL", 8, Row.Better.LOWER, "");
    Row behind = new Row("p", "memory", "MiB", 400, "KPL", 100, Row.Better.LOWER, "");
    Row noPeer = new Row("e", "puts", "records/s", 5, "–", Double.NaN, Row.Better.HIGHER, null);

    assertThat(faster.ratio()).isEqualTo(3.0);
    assertThat(leaner.ratio()).isEqualTo(4.0);
    assertThat(behind.ratio()).isEqualTo(0.25);
    assertThat(noPeer.ratio()).isNaN();
    assertThat(new Row("c", "dups", "records", 0, "p", 0, Row.Better.LOWER, null).ratio())
        .isEqualTo(1.0);
    assertThat(new Row("c", "dups", "records", 0, "p", 3, Row.Better.LOWER, null).ratio()).isNaN();
    assertThat(noPeer.note()).isEmpty();
  }

  @Test
  void aRatioFarBelowOneKeepsTwoSignificantDigits() {
    assertThat(Report.ratio(4.5953)).isEqualTo("4.60×");
    assertThat(Report.ratio(0.24)).isEqualTo("0.24×");
    assertThat(Report.ratio(0.0048)).isEqualTo("0.0048×");
    assertThat(Report.ratio(Double.NaN)).isEqualTo("–");
  }

  @Test
  void theDocumentHoldsTheRowsTheMachineTheCommandTheRulesAndTheSettings() throws Exception {
    Report report = new Report(Mode.FULL, "benchmarks/compare --mode full");
    report.add(
        FAKE,
        List.of(
            new Row(
                "fake",
                "records/s",
                "records/s",
                123456,
                "KPL 1.0.7",
                61728,
                Row.Better.HIGHER,
                "n")));
    report.failed(
        new Comparison() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public String settings(Mode mode) {
            return "never ran";
          }

          @Override
          public List<Row> run(Mode mode, Workspace workspace) {
            throw new UnsupportedOperationException();
          }
        },
        new IllegalStateException("no peer"));
    Path file = dir.resolve("docs/benchmarks.md");

    report.write(file);

    String md = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(md)
        .contains("benchmarks/compare --mode full")
        .contains("| fake | records/s | records/s | 123,456 | KPL 1.0.7 | 61,728 | 2.00× | n |")
        .contains("cores (")
        .containsPattern("load average -?[0-9.]+ at the start, -?[0-9.]+ at the end")
        .contains("## Fairness rules")
        .contains("Alternating runs, medians")
        .contains("## `fake`: settings")
        .contains("both sides at their defaults, FULL")
        .contains("`broken`: java.lang.IllegalStateException: no peer");
  }

  @Test
  void unknownOptionsAndComparisonsAreRefusedByName() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Compare.run(new String[] {"--fast"}, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option --fast");
    assertThatThrownBy(() -> Compare.run(new String[] {"--only", "nope", "--out", "-"}, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--only names no comparison [nope]");
    assertThatThrownBy(() -> Compare.run(new String[] {"--mode"}, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--mode needs a value");
  }
}
