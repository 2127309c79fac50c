package io.kinesislite.agent;

import io.kinesislite.agent.internal.AgentRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The log agent: tails every flow's files and ships their records through kpl-lite (aggregated by
 * default) to the flow's stream, and saves, per file, the offset up to which the stream
 * acknowledged every record. It loses nothing across rotation (rename-and-create, copytruncate, new
 * timestamped files), restarts and crashes: after a crash it reads again from the last saved
 * offsets, so records in flight then may arrive twice.
 *
 * <pre>{@code
 * LoadedConfig loaded = ConfigFiles.read(Path.of("/etc/kinesis-lite/agent.yaml"));
 * try (LogAgent agent = LogAgent.start(loaded.config())) {
 *   agent.awaitStop();   // until close() is called from elsewhere, e.g. on SIGTERM
 * }
 * }</pre>
 *
 * <p>Threads: {@code kinesis-lite-agent-reader} (scans and reads), {@code
 * kinesis-lite-agent-scheduler} (saves the state, sends failed records again), {@code
 * kinesis-lite-agent-http} (metrics and health), and each flow's producer threads; {@link #close()}
 * stops them all. Thread-safe.
 */
public final class LogAgent implements AutoCloseable {
  private final AgentRuntime runtime;

  private LogAgent(AgentRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * Starts the agent: opens each flow's transport (creating its stream when the flow says so),
   * loads the state file, and begins tailing.
   *
   * @throws io.kinesislite.transport.KinesisLiteException if a stream is missing, the state file is
   *     damaged, or the metrics address cannot be bound; nothing keeps running then
   */
  public static LogAgent start(AgentConfig config) {
    return new LogAgent(AgentRuntime.start(Objects.requireNonNull(config, "config == null"), null));
  }

  /** As {@link #start(AgentConfig)}, with the agent's meters also in {@code registry}. */
  public static LogAgent start(AgentConfig config, MeterRegistry registry) {
    return new LogAgent(
        AgentRuntime.start(
            Objects.requireNonNull(config, "config == null"),
            Objects.requireNonNull(registry, "registry == null")));
  }

  /**
   * As {@link #start(AgentConfig, MeterRegistry)}, shipping each flow through the transport {@code
   * transports} returns for it instead of one opened from the flow's selection: for example an
   * engine opened with settings of your own ({@code EmbeddedTransport.over(engine)}). The agent
   * does not close those transports; their owner does, after the agent.
   */
  public static LogAgent start(
      AgentConfig config,
      MeterRegistry registry,
      java.util.function.Function<FlowConfig, io.kinesislite.transport.KinesisTransport>
          transports) {
    return new LogAgent(
        AgentRuntime.start(
            Objects.requireNonNull(config, "config == null"),
            Objects.requireNonNull(registry, "registry == null"),
            Objects.requireNonNull(transports, "transports == null")));
  }

  /** The address metrics and health are served on, with the port the system chose for 0. */
  public Optional<InetSocketAddress> metricsAddress() {
    return runtime.metricsAddress();
  }

  /** Null when healthy; otherwise why not (the reader stopped, the state cannot be saved). */
  public Optional<String> healthProblem() {
    return Optional.ofNullable(runtime.healthProblem());
  }

  /** Saves the state file now (it is also saved on the checkpoint interval and at close). */
  public void saveState() {
    runtime.saveState();
  }

  /** Blocks until {@link #close()} has finished, from any thread. */
  public void awaitStop() throws InterruptedException {
    runtime.awaitStop();
  }

  /**
   * Stops gracefully: stops reading, waits up to the shutdown timeout for records in flight to be
   * acknowledged, saves the state, and stops every thread. What is still unacknowledged then is
   * read again at the next start.
   */
  @Override
  public void close() {
    runtime.close();
  }
}
