package io.kinesislite.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes of the pipeline campaign, each in a JVM of its own so that it can be SIGKILLed:
 * {@code serve} ({@link DurableServeMain}: durable, sync {@code always}, on a fixed port and
 * directory so that clients reconnect and find their data after a restart), the log agent ({@code
 * AgentCommand run --config FILE}, as an operator runs it, through {@link WatchedAgentMain}) and
 * the kcl-lite workers ({@link ConsumerWorkerMain}). A kill is always followed by a restart of the
 * same part, and the restart waits until the part says it is up, so that a campaign's faults never
 * overlap.
 *
 * <p>{@link #close()} kills whatever still runs. Not thread-safe: the campaign's thread drives it.
 */
final class PipelineProcesses implements AutoCloseable {
  private static final Duration START_BOUND = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private String dynamoEndpoint;
  private final String stream;
  private final String table;
  private final Duration failover;
  private final Duration takeInterval;
  private final Path agentConfig;
  private ChildJvm serve;
  private ChildJvm agent;
  private final ChildJvm[] workers;

  /**
   * @param dir where data, state, logs and the workers' output files go
   * @param logFiles the glob of the log files the agent tails
   */
  PipelineProcesses(
      Path dir,
      int port,
      String stream,
      String table,
      int workerCount,
      Duration failover,
      Duration takeInterval,
      String logFiles)
      throws IOException {
    this.dir = dir;
    this.port = port;
    this.stream = stream;
    this.table = table;
    this.failover = failover;
    this.takeInterval = takeInterval;
    this.workers = new ChildJvm[workerCount];
    this.agentConfig = dir.resolve("agent.yaml");
    Files.writeString(agentConfig, agentYaml(logFiles), StandardCharsets.UTF_8);
  }

  private String agentYaml(String logFiles) {
    // Short intervals: a restart resumes from a recent state. A killed serve resets its
    // connections, so calls fail at once whatever the call timeout; the timeout is long because
    // the agent's first call, in a cold JVM on a loaded machine, took over 5 s, and the agent
    // does not start when its check that the stream exists fails.
    return String.join(
        "\n",
        "stateDirectory: " + dir.resolve("agent-state"),
        "checkpointInterval: 200ms",
        "scanInterval: 200ms",
        "pollInterval: 20ms",
        "retryInitialBackoff: 100ms",
        "retryMaxBackoff: 1s",
        "shutdownTimeout: 2s",
        "metrics:",
        "  address: off",
        "transport:",
        "  selection: " + endpoint(),
        "  callTimeout: 20s",
        "  connectTimeout: 500ms",
        "  maxAttempts: 2",
        "producer:",
        "  RecordMaxBufferedTime: 50",
        "  RecordTtl: 5000",
        "flows:",
        "  - id: campaign",
        "    files: [\"" + logFiles + "\"]",
        "    stream: " + stream,
        "    initialPosition: start_of_file",
        "    partitionKey: random",
        "");
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The output file of worker {@code i} (0-based); it grows across the worker's restarts. */
  Path workerOutput(int i) {
    return dir.resolve(workerId(i) + ".out");
  }

  List<Path> workerOutputs() {
    List<Path> outputs = new ArrayList<>();
    for (int i = 0; i < workers.length; i++) {
      outputs.add(workerOutput(i));
    }
    return outputs;
  }

  int workerCount() {
    return workers.length;
  }

  static String workerId(int i) {
    return "worker-" + (i + 1);
  }

  /** Starts serve and waits until it listens. */
  void startServe() {
    serve =
        ChildJvm.start(
            "serve",
            dir.resolve("serve.log"),
            List.of("-Xmx256m"),
            DurableServeMain.class.getName(),
            List.of("--dir", dir.resolve("serve-data").toString(), "--port", String.valueOf(port)));
    serve.awaitLog("ready " + port, START_BOUND);
  }

  /** Starts the agent (serve must be up: it checks that the stream exists) and waits for it. */
  void startAgent() {
    agent =
        ChildJvm.start(
            "agent",
            dir.resolve("agent.log"),
            List.of("-Xmx256m"),
            WatchedAgentMain.class.getName(),
            List.of("run", "--config", agentConfig.toString()));
    agent.awaitLog("Tailing 1 flow(s)", START_BOUND);
  }

  /** Starts every worker with its leases at {@code dynamoEndpoint}, then waits for each. */
  void startWorkers(String dynamoEndpoint) {
    this.dynamoEndpoint = dynamoEndpoint;
    for (int i = 0; i < workers.length; i++) {
      workers[i] = launchWorker(i);
    }
    for (int i = 0; i < workers.length; i++) {
      workers[i].awaitLog("worker " + workerId(i) + " started", START_BOUND);
    }
  }

  private ChildJvm launchWorker(int i) {
    return ChildJvm.start(
        workerId(i),
        dir.resolve(workerId(i) + ".log"),
        List.of("-Xmx256m"),
        ConsumerWorkerMain.class.getName(),
        List.of(
            endpoint(),
            dynamoEndpoint,
            table,
            stream,
            workerId(i),
            workerOutput(i).toString(),
            Long.toString(failover.toMillis()),
            Long.toString(takeInterval.toMillis())));
  }

  /**
   * SIGKILLs serve and starts it again on the same port and directory; returns the restart time.
   */
  Duration killAndRestartServe() throws InterruptedException {
    long start = System.nanoTime();
    serve.kill();
    startServe();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Something done while a part is down, between its kill and its restart. */
  @FunctionalInterface
  interface WhileDown {
    void run() throws Exception;
  }

  /**
   * SIGKILLs the agent, runs {@code whileDown} (a rotation, say, as logrotate might run while the
   * agent is crashed), and starts the agent again with the same state directory.
   */
  Duration killAndRestartAgent(WhileDown whileDown) throws Exception {
    long start = System.nanoTime();
    agent.kill();
    whileDown.run();
    startAgent();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** SIGKILLs worker {@code i} and starts it again with the same id (it takes its leases back). */
  Duration killAndRestartWorker(int i) throws InterruptedException {
    long start = System.nanoTime();
    workers[i].kill();
    workers[i] = launchWorker(i);
    workers[i].awaitLog("worker " + workerId(i) + " started", START_BOUND);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * Fails, with the child's log, if a part died that the campaign did not kill (a crash, an exit on
   * an error).
   */
  void assertAllAlive() {
    List<ChildJvm> all = new ArrayList<>(List.of(workers));
    all.add(0, agent);
    all.add(0, serve);
    for (ChildJvm child : all) {
      if (child != null && !child.isAlive()) {
        throw new AssertionError(
            child.name() + " died without being killed; its log ends:\n" + child.logTail());
      }
    }
  }

  /** The last lines of every part's log, for a failure message. */
  String logTails() {
    StringBuilder s = new StringBuilder();
    List<ChildJvm> all = new ArrayList<>(List.of(workers));
    all.add(0, agent);
    all.add(0, serve);
    for (ChildJvm child : all) {
      if (child != null) {
        s.append("\n--- ").append(child).append(":\n").append(child.logTail());
      }
    }
    return s.toString();
  }

  /** Lines of the agent's log (every run) that contain {@code text}. */
  long agentLogLines(String text) {
    return agent == null ? 0 : agent.logLines(text);
  }

  @Override
  public void close() {
    // The consumers first, then the agent, then serve: nobody logs errors about a dead serve.
    for (ChildJvm worker : workers) {
      if (worker != null) {
        worker.close();
      }
    }
    if (agent != null) {
      agent.close();
    }
    if (serve != null) {
      serve.close();
    }
  }
}
