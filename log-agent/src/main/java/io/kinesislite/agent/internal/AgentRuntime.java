package io.kinesislite.agent.internal;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.FatalException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.Transports;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running {@code LogAgent} is made of, and its start and stop. See {@code LogAgent} for the
 * threads. Thread-safe.
 */
public final class AgentRuntime {
  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);

  private final AgentConfig config;
  private final PrometheusMeterRegistry prometheus;
  private final AgentMetrics metrics;
  private final ByteBudget budget;
  private final StateFile state;
  private final List<KinesisTransport> transports = new ArrayList<>();
  private final List<FlowShipper> shippers = new ArrayList<>();
  private final List<FileTracker> trackers = new ArrayList<>();
  private final ScheduledExecutorService scheduler;
  private TailLoop loop;
  private Thread reader;
  private MetricsServer server;
  private volatile long lastSaveMillis = System.currentTimeMillis();
  private volatile String saveProblem;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private final Function<FlowConfig, KinesisTransport> given; // null: open from the selection

  private AgentRuntime(
      AgentConfig config, MeterRegistry extra, Function<FlowConfig, KinesisTransport> given) {
    this.config = config;
    this.given = given;
    this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The process as operators watch it: heap, threads, CPU.
    new JvmMemoryMetrics().bindTo(prometheus);
    new JvmThreadMetrics().bindTo(prometheus);
    new ProcessorMetrics().bindTo(prometheus);
    MeterRegistry registry = prometheus;
    if (extra != null) {
      CompositeMeterRegistry composite = new CompositeMeterRegistry();
      composite.add(prometheus);
      composite.add(extra);
      registry = composite;
    }
    this.metrics = new AgentMetrics(registry);
    this.budget = new ByteBudget(config.maxBufferedBytes());
    this.state = new StateFile(config.stateDirectory());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kinesis-lite-agent-scheduler");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts everything; on failure stops what was started and rethrows. */
  public static AgentRuntime start(AgentConfig config, MeterRegistry extra) {
    return start(config, extra, null);
  }

  /**
   * As {@link #start(AgentConfig, MeterRegistry)}, shipping each flow through the transport {@code
   * transports} gives for it (the caller's to close) instead of one opened from the flow's
   * selection.
   */
  public static AgentRuntime start(
      AgentConfig config, MeterRegistry extra, Function<FlowConfig, KinesisTransport> transports) {
    AgentRuntime runtime = new AgentRuntime(config, extra, transports);
    try {
      runtime.open();
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  private void open() {
    List<StateFile.Entry> saved = state.load();
    String host = hostName();
    for (FlowConfig flow : config.flows()) {
      KinesisTransport transport;
      if (given == null) {
        transport = Transports.open(flow.transportConfig());
        transports.add(transport); // opened here, closed here
      } else {
        transport =
            java.util.Objects.requireNonNull(given.apply(flow), "transport for " + flow.id());
      }
      ensureStream(flow, transport);
      KinesisProducer producer = KinesisProducer.create(producerConfig(flow), transport);
      FlowShipper shipper =
          new FlowShipper(
              flow,
              config,
              producer,
              budget,
              scheduler,
              metrics.flow(flow.id()),
              host,
              Clock.systemUTC());
      shippers.add(shipper);
      List<StateFile.Entry> mine = saved.stream().filter(e -> e.flow().equals(flow.id())).toList();
      trackers.add(new FileTracker(shipper, mine));
    }
    metrics.bufferedBytes(budget::used);
    metrics.checkpointAge(() -> (System.currentTimeMillis() - lastSaveMillis) / 1000.0);
    config
        .metricsAddress()
        .ifPresent(address -> server = new MetricsServer(address, prometheus, this::healthProblem));
    loop = new TailLoop(trackers, budget, config.scanInterval(), config.pollInterval());
    reader = new Thread(loop, "kinesis-lite-agent-reader");
    reader.setDaemon(true);
    reader.start();
    long every = config.checkpointInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::saveQuietly, every, every, TimeUnit.MILLISECONDS);
    log.info(
        "Tailing {} flow(s); state in {}{}",
        config.flows().size(),
        state.path(),
        server == null ? "" : "; metrics on http://" + hostPort(server.address()) + "/metrics");
  }

  // Producers buffer at least what the agent may hold, so that adding never waits for room.
  private ProducerConfig producerConfig(FlowConfig flow) {
    ProducerConfig base = flow.producer().orElse(config.producer());
    long bytes = Math.max(base.maxOutstandingBytes(), config.maxBufferedBytes() + (32L << 20));
    long records = Math.max(base.maxOutstandingRecords(), bytes / 16);
    return base.toBuilder()
        .maxOutstandingBytes(bytes)
        .maxOutstandingRecords(records)
        .closeTimeout(Duration.ofSeconds(1))
        .build();
  }

  private static void ensureStream(FlowConfig flow, KinesisTransport transport) {
    try {
      transport.describeStream(flow.stream()).join();
    } catch (CompletionException e) {
      if (!(e.getCause() instanceof ResourceNotFoundException)) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      if (flow.createStreamShards() == 0) {
        throw new FatalException(
            "flow "
                + flow.id()
                + ": stream "
                + flow.stream()
                + " does not exist at "
                + flow.transport()
                + "; create it, or set createStream to the number of shards to create it with",
            "ResourceNotFoundException",
            e.getCause());
      }
      log.info(
          "Flow {}: creating stream {} with {} shard(s)",
          flow.id(),
          flow.stream(),
          flow.createStreamShards());
      transport.createStream(flow.stream(), flow.createStreamShards()).join();
      transport.awaitStreamActive(flow.stream(), Duration.ofMinutes(5)).join();
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "localhost";
    }
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  public Optional<InetSocketAddress> metricsAddress() {
    return Optional.ofNullable(server).map(MetricsServer::address);
  }

  /** Null when healthy; otherwise the reason. */
  public String healthProblem() {
    if (closed.get()) {
      return "stopping";
    }
    if (reader == null || !reader.isAlive()) {
      return "the reader thread is not running";
    }
    String problem = saveProblem;
    if (problem != null) {
      return "the state cannot be saved: " + problem;
    }
    long age = System.currentTimeMillis() - lastSaveMillis;
    long bound = Math.max(10_000, 3 * config.checkpointInterval().toMillis());
    if (age > bound) {
      return "the state was last saved " + age + " ms ago";
    }
    return null;
  }

  private void saveQuietly() {
    try {
      saveState();
    } catch (RuntimeException e) {
      // Logged and counted; the next interval tries again.
      if (saveProblem == null) {
        log.error("Saving the state failed; trying again: {}", e.toString());
      }
      saveProblem = e.getMessage();
      metrics.checkpointFailed();
    }
  }

  /** Writes the state file from every tracked file's acknowledged offset. */
  public synchronized void saveState() {
    List<StateFile.Entry> entries = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (FileTracker tracker : trackers) {
      entries.addAll(tracker.stateEntries(now));
    }
    state.save(entries);
    lastSaveMillis = now;
    saveProblem = null;
  }

  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Stops gracefully; see {@code LogAgent#close()}. Safe to call more than once. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (loop != null) {
        loop.stop();
        reader.join(TimeUnit.SECONDS.toMillis(10));
      }
      for (FlowShipper s : shippers) {
        s.producer().flush();
      }
      try {
        if (!budget.awaitAtMost(0, config.shutdownTimeout())) {
          log.warn(
              "{} bytes of records were not acknowledged within the shutdown timeout; they are"
                  + " read again at the next start",
              budget.used());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      shippers.forEach(FlowShipper::stopping);
      for (FlowShipper s : shippers) {
        s.producer().close();
      }
      // Let a periodic save in progress finish rather than interrupt it (an interrupted file
      // channel closes, and the save would log an error on an ordinary stop).
      scheduler.shutdown();
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
      if (!trackers.isEmpty()) {
        saveQuietly();
        log.info("Stopped; state saved in {}", state.path());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      scheduler.shutdownNow();
      trackers.forEach(FileTracker::close);
      transports.forEach(KinesisTransport::close);
      if (server != null) {
        server.close();
      }
      stopped.countDown();
    }
  }
}
