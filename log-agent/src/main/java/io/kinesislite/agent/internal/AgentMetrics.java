package io.kinesislite.agent.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The agent's meters, all named {@code kinesislite.agent.*} (Prometheus: {@code
 * kinesislite_agent_*}). Per flow: records and bytes read, records sent (acknowledged by the
 * stream), retried, truncated and dropped, processing errors by step, key fallbacks, bytes lost,
 * errors by kind and files tracked; per file: bytes behind (read position to the file's end, and
 * acknowledged to read); for the agent: bytes buffered, seconds since the state was last saved,
 * state saves that failed.
 *
 * <p>Thread-safe.
 */
public final class AgentMetrics {
  private final MeterRegistry registry;

  public AgentMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The meters of one flow. */
  public final class Flow {
    final Counter recordsRead;
    final Counter bytesRead;
    final Counter recordsSent;
    final Counter recordsRetried;
    final Counter recordsTruncated;
    final Counter recordsDropped;
    final Counter bytesLost;
    private final String flow;

    Flow(String flow) {
      this.flow = flow;
      Tags tags = Tags.of("flow", flow);
      recordsRead = registry.counter("kinesislite.agent.records.read", tags);
      bytesRead = registry.counter("kinesislite.agent.bytes.read", tags);
      recordsSent = registry.counter("kinesislite.agent.records.sent", tags);
      recordsRetried = registry.counter("kinesislite.agent.records.retried", tags);
      recordsTruncated = registry.counter("kinesislite.agent.records.truncated", tags);
      recordsDropped = registry.counter("kinesislite.agent.records.dropped", tags);
      bytesLost = registry.counter("kinesislite.agent.bytes.lost", tags);
    }

    void error(String kind) {
      registry.counter("kinesislite.agent.errors", "flow", flow, "kind", kind).increment();
    }

    void processingError(String step) {
      registry
          .counter("kinesislite.agent.processing.errors", "flow", flow, "step", step)
          .increment();
    }

    void keyFallback(String source) {
      registry
          .counter("kinesislite.agent.key.fallbacks", "flow", flow, "source", source)
          .increment();
    }

    <T> void filesTracked(T state, ToDoubleFunction<T> count) {
      Gauge.builder("kinesislite.agent.files.tracked", state, count)
          .tags("flow", flow)
          .register(registry);
    }

    /** Registers a file's bytes-behind gauge; returns it, for removal when the file is let go. */
    Gauge bytesBehind(String file, long inode, Supplier<Number> behind) {
      return Gauge.builder("kinesislite.agent.bytes.behind", behind)
          .tags("flow", flow, "file", file, "inode", Long.toString(inode))
          .description("bytes of the file not yet acknowledged by the stream")
          .register(registry);
    }

    void remove(Gauge gauge) {
      registry.remove(gauge);
    }
  }

  public Flow flow(String flow) {
    return new Flow(flow);
  }

  void bufferedBytes(Supplier<Number> used) {
    Gauge.builder("kinesislite.agent.buffered.bytes", used).register(registry);
  }

  void checkpointAge(Supplier<Number> seconds) {
    Gauge.builder("kinesislite.agent.checkpoint.age.seconds", seconds).register(registry);
  }

  void checkpointFailed() {
    registry.counter("kinesislite.agent.checkpoint.failures").increment();
  }
}
