package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ChaosSchedule: actions run in time order, ties in the order added, none past the run's end. */
class ChaosScheduleTest {
  @Test
  void actionsRunInTimeOrderAndThoseBeyondTheRunDoNot() throws Exception {
    List<String> ran = new ArrayList<>();
    ChaosSchedule chaos =
        new ChaosSchedule()
            .at(Duration.ofMillis(2), () -> ran.add("later"))
            .at(Duration.ZERO, () -> ran.add("first"))
            .at(Duration.ZERO, () -> ran.add("second"))
            .at(Duration.ofMinutes(1), () -> ran.add("beyond the run"));

    long start = System.nanoTime();
    chaos.run(Duration.ofMillis(20));

    assertThat(ran).containsExactly("first", "second", "later");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("run returns once its length has passed")
        .isGreaterThanOrEqualTo(Duration.ofMillis(20));
    assertThat(chaos.size()).isEqualTo(4);
  }
}
