package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CampaignReportTest {
  @TempDir Path dir;

  @Test
  void aReportShowsEveryFigureInTheOrderGiven() {
    String md =
        CampaignReport.builder(2, "Throttling and errors")
            .mode(CampaignMode.FULL)
            .what("Calls failed at random.")
            .ran(Duration.ofSeconds(125))
            .faults(1_234)
            .records(50_000, 0, 17)
            .worstRecovery(Duration.ofMillis(3_400), "a stalled producer")
            .figure("zeta", "1")
            .figure("alpha", "2")
            .note("a caveat")
            .build()
            .markdown();

    assertThat(md)
        .startsWith("## 2. Throttling and errors\n\nCalls failed at random.\n")
        .contains("| mode | full |")
        .contains("| ran for | 2 min 05 s |")
        .contains("| faults injected | 1,234 |")
        .contains("| records written | 50,000 |")
        .contains("| records lost | 0 |")
        .contains("| records duplicated | 17 |")
        .contains("| worst recovery (a stalled producer) | 3,400 ms |")
        .contains("- a caveat")
        .contains("reliability/chaos --only 2");
    assertThat(md.indexOf("| zeta |")).isLessThan(md.indexOf("| alpha |"));
  }

  @Test
  void aCampaignThatMovesNoRecordsShowsNoRecordRows() {
    String md =
        CampaignReport.builder(5, "Bad input")
            .what("Fuzzing.")
            .ran(Duration.ofSeconds(3))
            .build()
            .markdown();

    assertThat(md).doesNotContain("records written").contains("| ran for | 3,000 ms |");
  }

  @Test
  void writeNamesTheFileAfterTheCampaignNumber() throws Exception {
    String before = System.getProperty(CampaignReport.DIRECTORY_PROPERTY);
    System.setProperty(CampaignReport.DIRECTORY_PROPERTY, dir.toString());
    try {
      Path file =
          CampaignReport.builder(4, "Disk faults").what("x").ran(Duration.ZERO).build().write();
      assertThat(file).isEqualTo(dir.resolve("04-campaign.md"));
      assertThat(Files.readString(file)).startsWith("## 4. Disk faults");
    } finally {
      if (before == null) {
        System.clearProperty(CampaignReport.DIRECTORY_PROPERTY);
      } else {
        System.setProperty(CampaignReport.DIRECTORY_PROPERTY, before);
      }
    }
  }

  @Test
  void badFiguresAreRefusedByName() {
    assertThatThrownBy(() -> CampaignReport.builder(7, "x"))
        .hasMessageContaining("number must be 1 to 6");
    assertThatThrownBy(() -> CampaignReport.builder(1, "x").records(10, -1, 0))
        .hasMessageContaining("records must be at least 0");
    assertThatThrownBy(() -> CampaignReport.builder(1, "x").ran(Duration.ofSeconds(-1)))
        .hasMessageContaining("ran must not be negative");
  }

  @Test
  void theModeComesFromTheSystemProperty() {
    String before = System.getProperty(CampaignMode.PROPERTY);
    try {
      System.setProperty(CampaignMode.PROPERTY, "FULL");
      assertThat(CampaignMode.current()).isEqualTo(CampaignMode.FULL);
      System.setProperty(CampaignMode.PROPERTY, "long");
      assertThatThrownBy(CampaignMode::current)
          .hasMessageContaining(CampaignMode.PROPERTY)
          .hasMessageContaining("'long'");
    } finally {
      if (before == null) {
        System.clearProperty(CampaignMode.PROPERTY);
      } else {
        System.setProperty(CampaignMode.PROPERTY, before);
      }
    }
  }
}
