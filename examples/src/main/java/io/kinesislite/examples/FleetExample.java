package io.kinesislite.examples;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.Worker;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.ResourceNotFoundException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A consumer fleet of several processes: kcl-lite balancing a stream's shards across worker JVMs
 * that share one lease table, and moving a killed worker's shards to the others.
 *
 * <p>The parent starts {@code --workers} child JVMs ({@link Member}, on the same Java and class
 * path), each running one {@link Worker}; it prints how many shards each holds as they converge,
 * writes records, kills one child with SIGKILL, writes more, shows its shards being taken by the
 * others after the failover time, checks that every record was processed at least once (repeats are
 * the killed child's unchecked records), and stops the rest with SIGTERM, whose shutdown hook shuts
 * each worker down gracefully (checkpoint, release the leases).
 *
 * <p>On the embedded default the parent hosts the stream: a {@link ShardEngine} served over HTTP
 * ({@link KinesisServer}, on a free port of 127.0.0.1) for the children, and the lease table is one
 * file that the children open with {@link EmbeddedLeaseStore#sharedInDirectory} (every call locks
 * the file, so workers in different processes take turns). With {@code --aws REGION} or {@code
 * --dynamodb-endpoint URI} the children share a DynamoDB lease table instead, the way a fleet on
 * several hosts does.
 *
 * <pre>
 * examples/run FleetExample                       # 3 workers, 6 shards, embedded
 * examples/run FleetExample --workers 4 --shards 8
 * examples/run FleetExample --aws eu-west-1       # real Kinesis and DynamoDB (costs money)
 * </pre>
 */
@Command(
    name = "FleetExample",
    mixinStandardHelpOptions = true,
    description = "Runs a kcl-lite consumer fleet of several processes, kills one, stops the rest.")
public final class FleetExample implements Callable<Integer> {
  /** JVM options of the children: small heaps, quick start. */
  private static final List<String> CHILD_JVM_OPTIONS =
      List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  @Mixin Target target = new Target();

  @Option(
      names = "--workers",
      description = "Worker processes to start. Default: ${DEFAULT-VALUE}.",
      defaultValue = "3")
  int workers;

  @Option(
      names = "--shards",
      description = "Shards of the stream, when this creates it. Default: ${DEFAULT-VALUE}.",
      defaultValue = "6")
  int shards;

  @Option(
      names = "--records",
      description =
          "Records to write, half before the kill and half after. Default: ${DEFAULT-VALUE}.",
      defaultValue = "600")
  int records;

  @Option(
      names = "--stream",
      description = "The stream (created if missing). Default: ${DEFAULT-VALUE}.",
      defaultValue = "fleet-example")
  String stream;

  @Option(
      names = "--application",
      description = "The application, which names the lease table. Default: ${DEFAULT-VALUE}.",
      defaultValue = "fleet-example")
  String application;

  @Option(
      names = "--failover-seconds",
      description =
          "How long a dead worker's leases wait before others take them. Default: ${DEFAULT-VALUE}.",
      defaultValue = "3")
  int failoverSeconds;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where the shared lease table file and the children's logs go. Default: embedded:DIR's"
              + " directory, else a new temporary directory.")
  Path dir;

  @Option(
      names = "--wait-seconds",
      description = "The longest each step waits. Default: ${DEFAULT-VALUE}.",
      defaultValue = "120")
  int waitSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FleetExample()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Report report = run(System.out);
    return report.allProcessed() ? 0 : 1;
  }

  /** What a run saw, for tests and for the exit code. */
  record Report(
      Map<String, Integer> balanced,
      String killed,
      Map<String, Integer> afterKill,
      int produced,
      int processedDistinct,
      int processedTotal,
      Map<String, Boolean> stoppedGracefully) {
    boolean allProcessed() {
      return processedDistinct == produced;
    }
  }

  /** Runs the whole demonstration, printing to {@code out}. */
  Report run(PrintStream out) throws Exception {
    if (workers < 2) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--workers must be at least 2, to have a fleet to fail over to");
    }
    Path workDir = dir != null ? dir : embeddedDirectory();
    if (workDir == null) {
      workDir = Files.createTempDirectory("kinesis-lite-fleet-");
    }
    Files.createDirectories(workDir);
    ShardEngine engine = null;
    KinesisServer server = null;
    Fleet fleet = new Fleet(out);
    try {
      KinesisTransport kinesis;
      List<String> childTarget = new ArrayList<>();
      if (target.embedded()) {
        Path engineDir = embeddedDirectory();
        engine =
            ShardEngine.open(
                engineDir == null
                    ? EngineConfig.inMemory()
                    : EngineConfig.builder().directory(engineDir).build());
        server = KinesisServer.serve(engine, ServerConfig.builder().port(0).build());
        kinesis = EmbeddedTransport.over(engine);
        childTarget.addAll(List.of("--transport", server.endpoint().toString()));
        out.println("stream served to the workers at " + server.endpoint());
      } else {
        kinesis = target.open();
        if (target.awsRegion != null) {
          childTarget.addAll(List.of("--aws", target.awsRegion));
        } else {
          childTarget.addAll(List.of("--transport", target.transport));
        }
      }
      if (target.dynamoDbEndpoint != null) {
        childTarget.addAll(List.of("--dynamodb-endpoint", target.dynamoDbEndpoint.toString()));
      }
      String leases =
          target.awsRegion != null || target.dynamoDbEndpoint != null
              ? "DynamoDB table " + application
              : "shared file " + workDir.resolve("leases").resolve(application + ".json");
      out.println("lease table: " + leases + "; worker logs in " + workDir);
      try (kinesis;
          KinesisProducer producer = KinesisProducer.create(ProducerConfig.defaults(), kinesis)) {
        ensureStream(kinesis, out);
        int shardCount = kinesis.listShards(stream).join().size();
        return demonstrate(fleet, kinesis, producer, shardCount, childTarget, workDir, out);
      }
    } finally {
      fleet.killAll();
      if (server != null) {
        server.close();
      }
      if (engine != null) {
        engine.close();
      }
    }
  }

  private Report demonstrate(
      Fleet fleet,
      KinesisTransport kinesis,
      KinesisProducer producer,
      int shardCount,
      List<String> childTarget,
      Path workDir,
      PrintStream out)
      throws Exception {
    Duration wait = Duration.ofSeconds(waitSeconds);
    for (int i = 1; i <= workers; i++) {
      fleet.start("member-" + i, childCommand("member-" + i, childTarget, workDir), workDir);
    }
    out.println("started " + workers + " worker processes on " + shardCount + " shards");

    fleet.await("the workers balance the shards", wait, f -> f.balanced(shardCount));
    Map<String, Integer> balanced = fleet.heldCounts();
    out.println("balanced: " + balanced);

    int half = records / 2;
    produce(producer, 0, half);
    fleet.await(half + " records processed", wait, f -> f.processedDistinct() >= half);
    out.println(half + " records processed");

    String victim = fleet.names().get(0);
    out.println("killing " + victim + " (SIGKILL), holding " + fleet.heldCounts().get(victim));
    fleet.kill(victim, wait);
    produce(producer, half, records);
    fleet.await(
        "the other workers take " + victim + "'s shards",
        wait.plusSeconds(failoverSeconds),
        f -> f.balanced(shardCount));
    Map<String, Integer> afterKill = fleet.heldCounts();
    out.println("after the kill: " + afterKill);
    fleet.await(
        "every record processed", wait, f -> f.processedDistinct() >= records || f.allDead());
    int repeats = fleet.processedTotal() - fleet.processedDistinct();
    out.println(
        "processed "
            + fleet.processedDistinct()
            + " of "
            + records
            + " records"
            + (repeats == 0
                ? ""
                : " ("
                    + repeats
                    + " twice: "
                    + victim
                    + " processed them but did not checkpoint)"));
    out.println("stopping the others (SIGTERM: each worker shuts down gracefully)");
    Map<String, Boolean> stopped = fleet.stopAll(wait);
    out.println("stopped: " + stopped);
    return new Report(
        balanced,
        victim,
        afterKill,
        records,
        fleet.processedDistinct(),
        fleet.processedTotal(),
        stopped);
  }

  private Path embeddedDirectory() {
    String selection = target.selection();
    return selection.startsWith("embedded:") && selection.length() > "embedded:".length()
        ? Path.of(selection.substring("embedded:".length()))
        : null;
  }

  private void ensureStream(KinesisTransport kinesis, PrintStream out) {
    try {
      kinesis.describeStream(stream).join();
      out.println("using the stream " + stream);
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (!(cause instanceof ResourceNotFoundException)) {
        throw e;
      }
      kinesis.createStream(stream, shards).join();
      out.println("created the stream " + stream + " with " + shards + " shards");
    }
    kinesis.awaitStreamActive(stream, Duration.ofMinutes(2)).join();
  }

  private void produce(KinesisProducer producer, int from, int to) {
    List<CompletableFuture<RecordResult>> sent = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sent.add(
          producer.add(
              stream,
              "key-" + i,
              ByteBuffer.wrap(("record-" + i).getBytes(StandardCharsets.UTF_8))));
    }
    producer.flush();
    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
  }

  private List<String> childCommand(String name, List<String> childTarget, Path workDir) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(CHILD_JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(Member.class.getName());
    command.addAll(childTarget);
    command.addAll(
        List.of(
            "--worker-id", name,
            "--application", application,
            "--stream", stream,
            "--lease-dir", workDir.toString(),
            "--failover-seconds", Integer.toString(failoverSeconds)));
    return command;
  }

  /**
   * The children as the parent sees them, from the lines they print: {@code held N SHARDS}, {@code
   * record SHARD DATA}, {@code stopped}. Thread-safe: one reader thread per child updates it, and
   * waiters wait on its condition (bounded).
   */
  static final class Fleet {
    private final PrintStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Process> processes = new LinkedHashMap<>(); // guarded by lock
    private final Map<String, Path> logs = new LinkedHashMap<>();
    private final Map<String, Set<String>> held = new TreeMap<>(); // guarded by lock
    private final Set<String> alive = new TreeSet<>(); // guarded by lock
    private final Set<String> stoppedGracefully = new HashSet<>(); // guarded by lock
    private final Set<String> processed = new HashSet<>(); // guarded by lock
    private int processedTotal; // guarded by lock
    private final List<Thread> readers = new ArrayList<>();

    Fleet(PrintStream out) {
      this.out = out;
    }

    void start(String name, List<String> command, Path workDir) throws IOException {
      Path log = workDir.resolve(name + ".log");
      // stdin stays a pipe from this process: a child exits when it closes (when we die).
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
              .start();
      lock.lock();
      try {
        processes.put(name, process);
        logs.put(name, log);
        held.put(name, Set.of());
        alive.add(name);
      } finally {
        lock.unlock();
      }
      Thread reader = new Thread(() -> read(name, process.getInputStream()), "fleet-" + name);
      reader.setDaemon(true);
      reader.start();
      readers.add(reader);
    }

    private void read(String name, InputStream stdout) {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          onLine(name, line);
        }
      } catch (IOException e) {
        // the child is gone
      }
      lock.lock();
      try {
        alive.remove(name);
        held.put(name, Set.of());
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private void onLine(String name, String line) {
      String[] f = line.split(" ", 3);
      lock.lock();
      try {
        switch (f[0]) {
          case "held" -> {
            Set<String> shards = f.length < 3 ? Set.of() : Set.of(f[2].split(","));
            held.put(name, shards);
            out.println("  " + name + " holds " + shards.size() + " " + counts());
          }
          case "record" -> {
            processed.add(f[2]);
            processedTotal++;
          }
          case "stopped" -> {
            stoppedGracefully.add(name);
            out.println("  " + name + ": " + line);
          }
          default -> out.println("  " + name + ": " + line);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Every live child holds its share: all shards between them, floor or ceiling each. */
    boolean balanced(int shardCount) {
      if (alive.isEmpty()) {
        return false;
      }
      int floor = shardCount / alive.size();
      int ceiling = (shardCount + alive.size() - 1) / alive.size();
      int total = 0;
      for (String name : alive) {
        int n = held.get(name).size();
        if (n < floor || n > ceiling) {
          return false;
        }
        total += n;
      }
      return total == shardCount;
    }

    int processedDistinct() {
      lock.lock();
      try {
        return processed.size();
      } finally {
        lock.unlock();
      }
    }

    int processedTotal() {
      lock.lock();
      try {
        return processedTotal;
      } finally {
        lock.unlock();
      }
    }

    boolean allDead() {
      return alive.isEmpty();
    }

    List<String> names() {
      lock.lock();
      try {
        return List.copyOf(processes.keySet());
      } finally {
        lock.unlock();
      }
    }

    /** Held shard counts of the live children. */
    Map<String, Integer> heldCounts() {
      lock.lock();
      try {
        return counts();
      } finally {
        lock.unlock();
      }
    }

    private Map<String, Integer> counts() {
      Map<String, Integer> counts = new TreeMap<>();
      for (String name : alive) {
        counts.put(name, held.get(name).size());
      }
      return counts;
    }

    /**
     * Waits until {@code condition} holds (it is called with the lock held), up to {@code timeout}.
     *
     * @throws TimeoutException naming the condition and the children's logs, if it does not
     */
    void await(String what, Duration timeout, Predicate<Fleet> condition)
        throws InterruptedException, TimeoutException {
      long left = timeout.toNanos();
      lock.lock();
      try {
        while (!condition.test(this)) {
          if (left <= 0) {
            throw new TimeoutException(
                "timed out after "
                    + timeout.toSeconds()
                    + " s waiting until "
                    + what
                    + "; held now "
                    + counts()
                    + ", records processed "
                    + processed.size()
                    + "; logs: "
                    + logs.values());
          }
          left = changed.awaitNanos(left);
        }
      } finally {
        lock.unlock();
      }
    }

    /**
     * Kills a child at once (SIGKILL: no shutdown hook, its leases stay until they expire) and
     * waits until its output is read to the end.
     */
    void kill(String name, Duration timeout) throws InterruptedException, TimeoutException {
      Process process;
      lock.lock();
      try {
        process = processes.get(name);
      } finally {
        lock.unlock();
      }
      process.destroyForcibly();
      await(name + " to exit", timeout, f -> !f.alive.contains(name));
    }

    /**
     * Stops every live child with SIGTERM and waits for them to exit; returns, per child, whether
     * it said it had stopped gracefully.
     */
    Map<String, Boolean> stopAll(Duration timeout) throws InterruptedException {
      List<Process> stopping = new ArrayList<>();
      List<String> stoppingNames = new ArrayList<>();
      lock.lock();
      try {
        for (String name : alive) {
          stopping.add(processes.get(name));
          stoppingNames.add(name);
        }
      } finally {
        lock.unlock();
      }
      // SIGTERM through the handle: Process.destroy() would also close our end of the child's
      // standard output, and we would miss what it says while it stops.
      stopping.forEach(p -> p.toHandle().destroy());
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Process p : stopping) {
        p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      for (Thread reader : readers) {
        reader.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())));
      }
      Map<String, Boolean> result = new TreeMap<>();
      lock.lock();
      try {
        for (String name : stoppingNames) {
          result.put(name, stoppedGracefully.contains(name));
        }
      } finally {
        lock.unlock();
      }
      return result;
    }

    /** Kills whatever is still running (after a failure). */
    void killAll() {
      List<Process> all;
      lock.lock();
      try {
        all = List.copyOf(processes.values());
      } finally {
        lock.unlock();
      }
      all.forEach(Process::destroyForcibly);
    }
  }

  /**
   * One worker process of the fleet: a {@link Worker} whose processors print every record, and a
   * line whenever the set of shards it holds changes. SIGTERM (or the parent closing standard
   * input) runs the shutdown hook, which shuts the worker down gracefully.
   */
  @Command(name = "FleetExample$Member", mixinStandardHelpOptions = true)
  public static final class Member implements Callable<Integer> {
    @Mixin Target target = new Target();

    @Option(names = "--worker-id", required = true)
    String workerId;

    @Option(names = "--application", required = true)
    String application;

    @Option(names = "--stream", required = true)
    String stream;

    @Option(names = "--lease-dir", required = true)
    Path leaseDir;

    @Option(names = "--failover-seconds", defaultValue = "3")
    int failoverSeconds;

    public static void main(String[] args) {
      int exit = new CommandLine(new Member()).execute(args);
      if (exit != 0) {
        System.exit(exit);
      }
    }

    @Override
    public Integer call() throws Exception {
      KinesisTransport kinesis = target.open();
      LeaseStore leases =
          target.awsRegion != null || target.dynamoDbEndpoint != null
              ? target.leases(application)
              : EmbeddedLeaseStore.sharedInDirectory(leaseDir, application);
      Worker worker =
          Worker.create(
              ConsumerConfig.builder()
                  .applicationName(application)
                  .streamName(stream)
                  .workerId(workerId)
                  .initialPosition(InitialPosition.trimHorizon())
                  .failoverTime(Duration.ofSeconds(failoverSeconds))
                  .takeInterval(Duration.ofMillis(500))
                  .idleWait(Duration.ofMillis(250))
                  .shutdownTimeout(Duration.ofSeconds(10))
                  .build(),
              kinesis,
              leases,
              shardId -> new PrintingProcessor());
      ScheduledExecutorService reporter =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "held-reporter");
                t.setDaemon(true);
                return t;
              });
      CountDownLatch done = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    reporter.shutdownNow();
                    try {
                      worker.shutdown().get(15, TimeUnit.SECONDS);
                      say("stopped (checkpointed and released its leases)");
                    } catch (Exception e) {
                      say("stopped, not gracefully: " + e);
                    } finally {
                      worker.close();
                      leases.close();
                      kinesis.close();
                      done.countDown();
                    }
                  },
                  "fleet-member-shutdown"));
      worker.start();
      say("started as worker " + worker.workerId());
      AtomicReference<Set<String>> last = new AtomicReference<>(Set.of());
      reporter.scheduleWithFixedDelay(
          () -> {
            Set<String> now = new TreeSet<>(worker.heldShards());
            if (!now.equals(last.get())) {
              last.set(now);
              say("held " + now.size() + " " + String.join(",", now));
            }
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      exitWhenStdinCloses();
      done.await(); // until the shutdown hook ran (the worker's threads are daemons)
      return 0;
    }

    /** The parent went away (it closes our standard input, or it died): exit, gracefully. */
    private static void exitWhenStdinCloses() {
      Thread watcher =
          new Thread(
              () -> {
                try {
                  while (System.in.read() >= 0) {
                    // discard
                  }
                } catch (IOException e) {
                  // the same as its end
                }
                System.exit(0);
              },
              "stdin-watcher");
      watcher.setDaemon(true);
      watcher.start();
    }

    static void say(String line) {
      synchronized (System.out) {
        System.out.println(line);
        System.out.flush();
      }
    }

    /** Prints each record as {@code record SHARD DATA}, then checkpoints the batch. */
    private static final class PrintingProcessor implements RecordProcessor {
      private String shardId;

      @Override
      public void initialize(String shardId, Checkpoint startingPosition) {
        this.shardId = shardId;
      }

      @Override
      public void processRecords(
          List<ConsumerRecord> batch, Checkpointer checkpointer, long millisBehind) {
        for (ConsumerRecord r : batch) {
          say("record " + shardId + " " + StandardCharsets.UTF_8.decode(r.data()));
        }
        checkpointer.checkpoint();
      }

      @Override
      public void leaseLost() {}

      @Override
      public void shardEnded(Checkpointer checkpointer) {
        checkpointer.checkpoint();
      }

      @Override
      public void shutdownRequested(Checkpointer checkpointer) {
        checkpointer.checkpoint();
      }
    }
  }
}
