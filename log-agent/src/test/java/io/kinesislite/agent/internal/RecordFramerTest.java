package io.kinesislite.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.agent.FlowConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordFramerTest {
  /** What a framer produced, in order. */
  private static final class Collected implements RecordFramer.Sink {
    record Rec(String text, byte[] bytes, long start, long end, boolean truncated) {}

    final List<Rec> records = new ArrayList<>();
    final List<Long> skipped = new ArrayList<>();
    long footerEnd = -1;

    @Override
    public void record(byte[] data, long start, long end, boolean truncated) {
      records.add(new Rec(new String(data, StandardCharsets.UTF_8), data, start, end, truncated));
    }

    @Override
    public void skipped(long end) {
      skipped.add(end);
    }

    @Override
    public void footer(long end) {
      footerEnd = end;
    }

    List<String> texts() {
      return records.stream().map(Rec::text).toList();
    }
  }

  private static FlowConfig.Builder flow() {
    return FlowConfig.builder("s").files(List.of("/tmp/x.log"));
  }

  private static void feed(RecordFramer framer, Collected sink, String... chunks) {
    for (String c : chunks) {
      framer.feed(ByteBuffer.wrap(c.getBytes(StandardCharsets.UTF_8)), sink);
    }
  }

  @Test
  void eachLineIsARecordWithItsNewlineAndTheOffsetsItSpans() {
    RecordFramer framer = new RecordFramer(flow().build(), 100);
    Collected out = new Collected();
    feed(framer, out, "one\ntwo\n");
    assertThat(out.texts()).containsExactly("one\n", "two\n");
    assertThat(out.records.get(0).start()).isEqualTo(100);
    assertThat(out.records.get(0).end()).isEqualTo(104);
    assertThat(out.records.get(1).end()).isEqualTo(108);
    assertThat(framer.consumed()).isEqualTo(108);
  }

  @Test
  void aLineSplitAcrossReadsWaitsForItsNewline() {
    RecordFramer framer = new RecordFramer(flow().build(), 0);
    Collected out = new Collected();
    feed(framer, out, "hel", "lo wo", "rld\npart");
    assertThat(out.texts()).containsExactly("hello world\n");
    assertThat(framer.hasPending()).isTrue();
    assertThat(framer.consumed()).isEqualTo(16);
    framer.flush(out, false);
    assertThat(out.texts())
        .as("a partial line is not a record until the file is let go")
        .hasSize(1);
    framer.flush(out, true);
    assertThat(out.texts()).containsExactly("hello world\n", "part");
    assertThat(out.records.get(1).end()).isEqualTo(16);
  }

  @Test
  void aLineOverTheMaximumIsCutToFitAndEndsWithTheTerminatorNeverDropped() {
    FlowConfig config = flow().maxRecordBytes(1024).truncatedRecordTerminator("...\n").build();
    RecordFramer framer = new RecordFramer(config, 0);
    Collected out = new Collected();
    byte[] big = new byte[5 * 1024 * 1024];
    Arrays.fill(big, (byte) 'x');
    big[big.length - 1] = '\n';
    for (int i = 0; i < big.length; i += 64 * 1024) {
      framer.feed(ByteBuffer.wrap(big, i, Math.min(64 * 1024, big.length - i)).slice(), out);
    }
    feed(framer, out, "next\n");
    assertThat(out.records).hasSize(2);
    Collected.Rec cut = out.records.get(0);
    assertThat(cut.bytes()).hasSize(1024);
    assertThat(cut.text()).startsWith("xxx").endsWith("xx...\n");
    assertThat(cut.truncated()).isTrue();
    assertThat(cut.end()).as("the whole line is covered").isEqualTo(big.length);
    assertThat(out.records.get(1).text()).isEqualTo("next\n");
  }

  @Test
  void headerLinesAreSkippedOnlyWhenAFileIsReadFromItsStart() {
    Collected fromStart = new Collected();
    feed(new RecordFramer(flow().skipHeaderLines(2).build(), 0), fromStart, "h1\nh2\nrow\n");
    assertThat(fromStart.texts()).containsExactly("row\n");
    assertThat(fromStart.skipped).containsExactly(3L, 6L);

    Collected resumed = new Collected();
    feed(new RecordFramer(flow().skipHeaderLines(2).build(), 6), resumed, "row\n");
    assertThat(resumed.texts()).containsExactly("row\n");
  }

  @Test
  void multiLineRecordsStartAtMatchingLinesAndWaitForTheNextStartOrAFlush() {
    FlowConfig config = flow().multiLineStartPattern("\\d{4}-\\d{2}-\\d{2} ").build();
    RecordFramer framer = new RecordFramer(config, 0);
    Collected out = new Collected();
    feed(
        framer,
        out,
        "stray\n2026-12-02 boom\n  at a.b(C.java:1)\n  at d.e(F.java:2)\n2026-12-02 ok\n");
    assertThat(out.texts())
        .containsExactly("stray\n", "2026-12-02 boom\n  at a.b(C.java:1)\n  at d.e(F.java:2)\n");
    assertThat(framer.hasPending()).isTrue();
    framer.flush(out, false);
    assertThat(out.texts()).last().isEqualTo("2026-12-02 ok\n");
    assertThat(out.records.get(1).start()).isEqualTo(6);
  }

  @Test
  void aMultiLineRecordOverTheMaximumIsCutAndItsLaterLinesStillCovered() {
    FlowConfig config =
        flow()
            .multiLineStartPattern("START")
            .maxRecordBytes(64)
            .truncatedRecordTerminator("|")
            .build();
    RecordFramer framer = new RecordFramer(config, 0);
    Collected out = new Collected();
    String line = "continuation line of thirty-two\n";
    feed(framer, out, "START\n", line, line, line, "START again\n");
    assertThat(out.records.get(0).bytes()).hasSize(64);
    assertThat(out.records.get(0).text()).endsWith("|");
    assertThat(out.records.get(0).end()).isEqualTo(6 + 3L * line.length());
  }

  @Test
  void aFooterLineEndsTheFile() {
    RecordFramer framer = new RecordFramer(flow().fileFooterPattern("^-- end --").build(), 0);
    Collected out = new Collected();
    feed(framer, out, "a\n-- end --\nb\n");
    assertThat(out.texts()).containsExactly("a\n");
    assertThat(out.footerEnd).isEqualTo(12);
    assertThat(framer.ended()).isTrue();
  }

  @Test
  void bytesThatAreNotUtf8PassThroughUnharmed() {
    RecordFramer framer = new RecordFramer(flow().build(), 0);
    Collected out = new Collected();
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0, (byte) 0xc3, '\r', '\n', 1, 2, '\n'};
    framer.feed(ByteBuffer.wrap(garbage), out);
    assertThat(out.records).hasSize(2);
    assertThat(out.records.get(0).bytes()).containsExactly(0xff, 0xfe, 0, 0xc3, '\r', '\n');
    assertThat(out.records.get(1).bytes()).containsExactly(1, 2, '\n');
  }
}
