package io.kinesislite.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.testkit.internal.PeerFailures;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PeerFailuresTest {
  @Test
  void unavailablePeerFailsTheBuildInCi() {
    IOException cause = new IOException("boom");

    assertThatThrownBy(() -> PeerFailures.unavailable(true, "kinesis-mock cannot start: x.", cause))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("kinesis-mock cannot start: x.")
        .hasCause(cause);
  }

  @Test
  void unavailablePeerSkipsTheTestWithItsReasonOutsideCi() {
    assertThatThrownBy(() -> PeerFailures.unavailable(false, "kinesis-mock cannot start: x."))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageStartingWith("kinesis-mock cannot start: x.");
  }

  @Test
  void againReportsARememberedSkipAsAFreshSkip() {
    TestAbortedException first = new TestAbortedException("DynamoDB Local cannot start: y.");

    assertThatThrownBy(() -> PeerFailures.again(first))
        .isInstanceOf(TestAbortedException.class)
        .isNotSameAs(first)
        .hasMessage("DynamoDB Local cannot start: y.");
  }

  @Test
  void againReportsARememberedFailureAsAFreshFailure() {
    IllegalStateException first = new IllegalStateException("DynamoDB Local cannot start: y.");

    assertThatThrownBy(() -> PeerFailures.again(first))
        .isInstanceOf(IllegalStateException.class)
        .isNotSameAs(first)
        .hasMessage("DynamoDB Local cannot start: y.")
        .hasCause(first);
  }

  @Test
  void withLogTailAppendsTheTailOnlyWhenThereIsOne() {
    assertThat(PeerFailures.withLogTail("m.", "")).isEqualTo("m.");
    assertThat(PeerFailures.withLogTail("m.", "line 1\nline 2"))
        .startsWith("m.")
        .contains("Last lines of its log:")
        .endsWith("line 1\nline 2");
  }
}
