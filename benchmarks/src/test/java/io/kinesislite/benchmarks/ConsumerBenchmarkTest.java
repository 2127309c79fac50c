package io.kinesislite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kcl.ConsumerConfig;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs each benchmark operation a few times outside JMH, on a small backlog and with short timings,
 * so that a broken benchmark fails the build instead of the next person who wants numbers. It
 * measures nothing.
 */
class ConsumerBenchmarkTest {
  private static final int RECORDS = 3_000;

  // Failover and lease rounds in about a second instead of ten.
  private static final UnaryOperator<ConsumerConfig.Builder> SHORT =
      b -> b.failoverTime(Duration.ofSeconds(1)).takeInterval(Duration.ofMillis(100));

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void everyDrainProcessesTheWholeBacklogOnce(int workers) throws InterruptedException {
    ConsumerBenchmark benchmark = new ConsumerBenchmark();
    DrainBacklog backlog = new DrainBacklog();
    backlog.records = RECORDS;
    backlog.workers = workers;
    backlog.open();
    try {
      for (IterationType type : IterationType.values()) {
        backlog.startIteration(new IterationParams(type, 1, TimeValue.seconds(1), 1));
        assertThat(benchmark.drain(backlog)).isEqualTo(RECORDS);
        backlog.endIteration(); // throws if any record was processed twice
      }
    } finally {
      backlog.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"start", "join", "kill-standby", "kill-balanced", "shutdown"})
  void everyFleetScenarioSettles(String scenario) throws InterruptedException {
    ConsumerBenchmark benchmark = new ConsumerBenchmark();
    FleetScenario fleet = new FleetScenario();
    fleet.scenario = scenario;
    fleet.timings = SHORT;
    fleet.open();
    try {
      for (int i = 0; i < 2; i++) {
        fleet.startIteration();
        assertThat(benchmark.fleet(fleet)).isNotNegative();
        fleet.endIteration(); // throws unless the watched worker holds what it should
      }
    } finally {
      fleet.close();
    }
  }

  @Test
  void anUnknownScenarioIsRefused() {
    FleetScenario fleet = new FleetScenario();
    fleet.scenario = "reboot";
    org.assertj.core.api.Assertions.assertThatThrownBy(fleet::open)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scenario must be");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 20})
  void steadyWorkersCallTheLeaseStore(int rate) throws InterruptedException {
    ConsumerBenchmark benchmark = new ConsumerBenchmark();
    SteadyFleet fleet = new SteadyFleet();
    fleet.seconds = 1;
    fleet.rate = rate;
    fleet.timings = SHORT;
    fleet.open();
    try {
      fleet.startIteration();
      assertThat(benchmark.leaseCalls(fleet)).isEqualTo(1);
      fleet.endIteration();
    } finally {
      fleet.close();
    }
  }
}
