package io.kinesislite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the serve benchmark for about a second against serve in memory only (its own JVM, no npm
 * peers), so that a broken benchmark fails the build; it measures nothing.
 */
class ServeBenchmarkTest {
  @Test
  void serveInMemoryIsStartedLoadedReadBackAndReported(@TempDir Path runDir) throws Exception {
    ServeBenchmark.Options options =
        ServeBenchmark.Options.parse(
            new String[] {
              "--duration", "500ms", "--warmup", "0s", "--threads", "2", "--targets", "serve-memory"
            });
    assertThat(options.duration()).isEqualTo(Duration.ofMillis(500));

    List<ServeBenchmark.Result> results = ServeBenchmark.run(options, runDir);

    assertThat(results).hasSize(1);
    ServeBenchmark.Result serve = results.get(0);
    assertThat(serve.target()).isEqualTo(ServeBenchmark.Target.SERVE_MEMORY);
    assertThat(serve.readyMillis()).isPositive();
    assertThat(serve.put().errors()).isEmpty();
    assertThat(serve.put().records()).isPositive();
    assertThat(serve.storedRecords()).isEqualTo(serve.put().records());
    assertThat(serve.get().errors()).isEmpty();
    assertThat(serve.get().records()).isPositive();
    assertThat(serve.peakRssKib()).isPositive();
    assertThat(Files.readString(serve.log())).contains("Serving Kinesis on");
    assertThat(ServeBenchmark.table(results)).contains("serve (memory)");
  }

  @Test
  void durationsAreReadInTheShortForms() {
    assertThat(ServeBenchmark.duration("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(ServeBenchmark.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ServeBenchmark.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ServeBenchmark.duration("PT3S")).isEqualTo(Duration.ofSeconds(3));
  }
}
