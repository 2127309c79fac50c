package io.kinesislite.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceNumbersTest {

  @Test
  void recordSequenceNumbersAreFixedLengthDecimalAndIncreaseWithTheOffset() {
    String first = SequenceNumbers.ofRecord(42, 3, 0);
    assertThat(first).hasSize(42).matches("49[0-9]{40}");
    List<BigInteger> values = new ArrayList<>();
    for (long offset : new long[] {0, 1, 9, 10, 999_999, Long.MAX_VALUE - 1}) {
      values.add(new BigInteger(SequenceNumbers.ofRecord(42, 3, offset)));
    }
    assertThat(values).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void differentShardsOfAStreamNeverShareASequenceNumber() {
    assertThat(SequenceNumbers.ofRecord(7, 1, 5)).isNotEqualTo(SequenceNumbers.ofRecord(7, 2, 5));
    // A child's numbers are above every number of a parent with a lower ordinal.
    assertThat(new BigInteger(SequenceNumbers.ofRecord(7, 2, 0)))
        .isGreaterThan(new BigInteger(SequenceNumbers.ofRecord(7, 1, Long.MAX_VALUE - 1)));
  }

  @Test
  void theStartPositionComesBeforeEveryRecord() {
    assertThat(new BigInteger(SequenceNumbers.ofPosition(0, 7, 0)))
        .isLessThan(new BigInteger(SequenceNumbers.ofRecord(0, 7, 0)));
  }

  @Test
  void parsingGivesBackTagOrdinalAndPosition() {
    assertThat(SequenceNumbers.parse(SequenceNumbers.ofRecord(9_999, 12, 41)))
        .isEqualTo(new SequenceNumbers.Parts(9_999, 12, 42));
  }

  @Test
  void theTagComesFromTheIncarnationAndFitsFourDigits() {
    assertThat(SequenceNumbers.tagOf(123_456_789L)).isEqualTo(6_789);
    assertThat(SequenceNumbers.tagOf(Long.MAX_VALUE)).isBetween(0, 9_999);
  }

  @Test
  void foreignNumbersDoNotParse() {
    assertThat(SequenceNumbers.parse("49590338271490256608559692538361571095921575989136588898"))
        .isNull();
    assertThat(SequenceNumbers.parse("12" + "0".repeat(40))).isNull();
    assertThat(SequenceNumbers.parse("49" + "0000" + "9".repeat(36))).isNull(); // ordinal too big
    assertThat(SequenceNumbers.parse("49" + "0".repeat(39) + "x")).isNull();
  }
}
