package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
  private enum Kind {
    A,
    B,
    C
  }

  @Test
  void theFirstFaultsAreEveryKindOnceThenDrawsAtRandom() {
    FaultSchedule<Kind> schedule =
        new FaultSchedule<>(new Random(7), Kind.class, Duration.ZERO, Duration.ZERO);
    List<Kind> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertThat(schedule.everyKindDrawn()).isFalse();
      first.add(schedule.nextFault());
    }
    assertThat(first).containsExactlyInAnyOrder(Kind.values());
    assertThat(schedule.everyKindDrawn()).isTrue();
    assertThat(schedule.nextFault()).isIn((Object[]) Kind.values());
  }

  @Test
  void theSameSeedGivesTheSameFaultsAndPauses() {
    FaultSchedule<Kind> a = schedule(42);
    FaultSchedule<Kind> b = schedule(42);
    for (int i = 0; i < 20; i++) {
      assertThat(a.nextFault()).isEqualTo(b.nextFault());
      assertThat(a.nextPause()).isEqualTo(b.nextPause());
    }
  }

  @Test
  void pausesStayWithinTheBounds() {
    FaultSchedule<Kind> schedule = schedule(1);
    for (int i = 0; i < 200; i++) {
      assertThat(schedule.nextPause()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3));
    }
  }

  private static FaultSchedule<Kind> schedule(long seed) {
    return new FaultSchedule<>(
        new Random(seed), Kind.class, Duration.ofSeconds(1), Duration.ofSeconds(3));
  }
}
