package io.kinesislite.reliability;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.Worker;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.reliability.FaultPlan.Fault;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Campaign 2, throttling and errors: the engine with its Kinesis limits on, served by {@code serve}
 * in process, reached through a {@link FaultProxy} that answers a fraction of the calls with a
 * throttling error or an internal error, drops the connection before or after serve acted, or holds
 * the answer back; now and then a storm multiplies the rates. Two kpl-lite producers (one
 * aggregating, one not) with small buffer limits write a 2-shard stream, which is less than they
 * try to write, so the engine throttles them too; two kcl-lite workers (leases in an {@code
 * EmbeddedLeaseStore}) consume it, through the same proxy. Write outages, longer than the records'
 * RecordTtl, give every PutRecords one fault (one outage in the short form, four of different kinds
 * in the full one), so that some futures do fail; read outages do the same to every GetRecords for
 * a few seconds.
 *
 * <p>It checks that producers and consumers make progress while the faults are on (in both halves
 * of the run), that every producer future completes, acknowledged or failed with a documented error
 * (RecordExpiredException) after its RecordTtl, that producers and consumers resume after each
 * outage, that no acknowledged record is lost and none consumed was never written or changed
 * (records stored although their future failed are counted, not lost), that each producer's
 * outstanding records and bytes never exceed its limits (sampled every 5 ms, and the limits were
 * reached), and that every kind of fault was injected and reached the producers as the error it
 * stands for.
 *
 * <p>Set {@code -Dkinesislite.reliability.seed=N} to repeat a run's fault decisions (their order
 * across threads still varies).
 */
class FaultInjectionCampaignIT {
  private static final CampaignMode MODE = CampaignMode.current();
  private static final Duration RUN = MODE.pick(Duration.ofSeconds(14), Duration.ofSeconds(270));
  private static final Duration RECORD_TTL =
      MODE.pick(Duration.ofSeconds(4), Duration.ofSeconds(10));
  // Below RecordTtl, as kpl-lite's docs ask, and above the longest latency spike.
  private static final Duration CALL_TIMEOUT =
      MODE.pick(Duration.ofSeconds(3), Duration.ofSeconds(5));

  /**
   * Write outages, at these offsets into the run: every PutRecords gets one fault for {@link
   * #WRITE_OUTAGE}, longer than RecordTtl, so records expire.
   */
  private static final Map<Duration, Fault> WRITE_OUTAGES =
      MODE.pick(
          timeline(Map.of(Duration.ofSeconds(4), Fault.DROP_AFTER)),
          timeline(
              Map.of(
                  Duration.ofSeconds(27), Fault.DROP_AFTER,
                  Duration.ofSeconds(95), Fault.INTERNAL_ERROR,
                  Duration.ofSeconds(162), Fault.THROTTLE,
                  Duration.ofSeconds(230), Fault.DROP_BEFORE)));

  private static final Duration WRITE_OUTAGE = RECORD_TTL.plusSeconds(MODE.pick(2, 3));

  /** Read outages, between the write outages: every GetRecords gets one fault for a while. */
  private static final Map<Duration, Fault> READ_OUTAGES =
      MODE.pick(
          timeline(Map.of(Duration.ofMillis(10_500), Fault.DROP_AFTER)),
          timeline(
              Map.of(
                  Duration.ofSeconds(64), Fault.DROP_AFTER,
                  Duration.ofSeconds(131), Fault.THROTTLE,
                  Duration.ofSeconds(198), Fault.INTERNAL_ERROR)));

  private static final Duration READ_OUTAGE =
      MODE.pick(Duration.ofSeconds(3), Duration.ofSeconds(8));
  private static final Duration BUFFER_FULL_WAIT = Duration.ofSeconds(2);
  private static final int SHARDS = 2;
  private static final int ADDERS_PER_PRODUCER = 2;
  private static final FaultPlan.Rates RATES =
      new FaultPlan.Rates(
          0.04, 0.02, 0.015, 0.015, 0.03, Duration.ofMillis(100), Duration.ofMillis(1_500));
  private static final double STORM_FACTOR = 4;

  private final long seed = Long.getLong("kinesislite.reliability.seed", System.nanoTime());
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<ProducerSide> sides = new ArrayList<>();
  private final Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

  @AfterEach
  void closeEverything() throws Exception {
    for (ProducerSide s : sides) {
      s.adders().stop(BUFFER_FULL_WAIT.plusSeconds(5));
    }
    Exception first = null;
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
    Eventually.within(
        Duration.ofSeconds(30),
        "every thread the campaign started has stopped",
        () -> campaignThreads().isEmpty(),
        this::campaignThreads);
  }

  private String campaignThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !threadsBefore.contains(t))
        .map(Thread::getName)
        // The JDK's own threads, shared by the whole JVM and never stopped.
        .filter(n -> !n.startsWith("ForkJoinPool.commonPool"))
        .filter(n -> !n.equals("Attach Listener") && !n.equals("CompletableFutureDelayScheduler"))
        .sorted()
        .collect(Collectors.joining(", "));
  }

  @Test
  void everyAcknowledgedRecordIsConsumedThroughThrottlingErrorsDropsAndLatencySpikes()
      throws Exception {
    long began = System.nanoTime();
    String stream = UniqueNames.stream("faults");
    KinesisServer server =
        KinesisServer.start(
            ServerConfig.builder()
                .port(0)
                .engine(EngineConfig.builder().limitsEnabled(true).build())
                .build());
    closing.add(server);
    KinesisTransport direct = Transports.open(server.endpoint().toString());
    closing.add(direct);
    await(direct.createStream(stream, SHARDS));
    await(direct.awaitStreamActive(stream, Duration.ofSeconds(30)));

    FaultPlan plan = new FaultPlan(seed, RATES);
    FaultProxy proxy = FaultProxy.start(server.endpoint(), plan);
    closing.add(proxy);
    KinesisTransport proxied =
        Transports.open(
            TransportConfig.builder()
                .selection(proxy.endpoint().toString())
                .callTimeout(CALL_TIMEOUT)
                .connectTimeout(Duration.ofSeconds(2))
                .build());
    closing.add(proxied);

    RecordLedger ledger = new RecordLedger((int) MODE.pick(1_000_000, 8_000_000));
    AttemptTally attempts = new AttemptTally();
    // One producer bound by its record count, the other by its bytes (records are 100 to 1,000
    // bytes): both limits are exercised.
    ProducerConfig aggregating =
        producerConfig().aggregationEnabled(true).maxOutstandingRecords(300).build();
    ProducerConfig plain =
        producerConfig().aggregationEnabled(false).maxOutstandingBytes(256 * 1024).build();
    addSide("aggregating", aggregating, proxied, stream, ledger, attempts);
    addSide("plain", plain, proxied, stream, ledger, attempts);

    StallWatch consumerProgress = new StallWatch();
    LongAdder batches = new LongAdder();
    EmbeddedLeaseStore leases = EmbeddedLeaseStore.inMemory();
    closing.add(leases);
    List<Worker> workers = new ArrayList<>();
    String application = UniqueNames.table("faults-app");
    for (int i = 1; i <= 2; i++) {
      Worker w =
          Worker.create(
              ConsumerConfig.builder()
                  .applicationName(application)
                  .streamName(stream)
                  .workerId("worker-" + i)
                  .initialPosition(InitialPosition.trimHorizon())
                  .takeInterval(Duration.ofMillis(500))
                  // One shard each from the start, rather than a steal a few rounds later.
                  .maxLeasesPerWorker(SHARDS / 2)
                  .idleWait(Duration.ofMillis(200))
                  .shutdownTimeout(Duration.ofSeconds(5))
                  .build(),
              proxied,
              leases,
              shard -> new DeliveryRecorder(ledger, consumerProgress, batches));
      closing.add(w);
      workers.add(w);
      w.start();
    }
    // Balanced before the faults start, and no lease moves during the run.
    Eventually.within(
        Duration.ofSeconds(30),
        "each worker holds one shard",
        () -> workers.stream().allMatch(w -> w.heldShards().size() == SHARDS / workers.size()));

    // Sampled every 5 ms: peaks of what producers hold, stalls, and the middle of the run.
    RecoveryClock writes = new RecoveryClock();
    RecoveryClock reads = new RecoveryClock();
    AtomicReference<long[]> halfway = new AtomicReference<>();
    AtomicLong midpoint = new AtomicLong(Long.MAX_VALUE);
    List<Runnable> probes = new ArrayList<>();
    for (ProducerSide s : sides) {
      probes.add(
          () -> {
            s.sample();
            if (writes.during()) {
              s.progress().idle(); // the test's own blackout: the stall is the recovery after it
            }
            s.progress().check();
          });
    }
    probes.add(
        () -> {
          writes.sample(ledger.acknowledged());
          reads.sample(ledger.distinctConsumed());
          if (ledger.pendingConsumption() == 0 || reads.during()) {
            consumerProgress.idle(); // nothing acknowledged waits, or the test's own blackout
          }
          consumerProgress.check();
          if (halfway.get() == null && System.nanoTime() >= midpoint.get()) {
            halfway.set(new long[] {ledger.acknowledged(), ledger.distinctConsumed()});
          }
        });

    // The chaos timeline: storms at random, and the outages at their times.
    Random random = new Random(seed ^ 0x5DEECE66DL);
    ChaosSchedule chaos = new ChaosSchedule();
    LongAdder storms = new LongAdder();
    long runMillis = RUN.toMillis();
    for (long t = 2_000 + random.nextInt(4_000);
        t < runMillis;
        t += 2_000 + random.nextInt(4_000)) {
      long length = 500 + random.nextInt(1_500);
      chaos.at(
          Duration.ofMillis(t),
          () -> {
            plan.storm(STORM_FACTOR);
            storms.increment();
          });
      chaos.at(Duration.ofMillis(t + length), () -> plan.storm(1));
      t += length;
    }
    outages(chaos, plan, "PutRecords", WRITE_OUTAGES, writes, ledger::acknowledged);
    outages(chaos, plan, "GetRecords", READ_OUTAGES, reads, ledger::distinctConsumed);

    // The fault phase: producers add as fast as their buffers let them, faults on all along.
    plan.on();
    consumerProgress.start();
    for (ProducerSide s : sides) {
      s.progress().start();
      s.adders().start(ADDERS_PER_PRODUCER);
    }
    long faultsStarted = System.nanoTime();
    Duration setUp = Duration.ofNanos(faultsStarted - began);
    midpoint.set(faultsStarted + RUN.toNanos() / 2);
    SamplingThread sampler = new SamplingThread("campaign2-sampler", Duration.ofMillis(5), probes);
    closing.add(sampler);
    chaos.run(RUN);
    for (ProducerSide s : sides) {
      s.adders().stop(BUFFER_FULL_WAIT.plusSeconds(5));
    }
    long faultsEnded = System.nanoTime();
    Duration faultPhase = Duration.ofNanos(faultsEnded - faultsStarted);
    long[] end = {ledger.acknowledged(), ledger.distinctConsumed()};

    // Faults stay on: every future must complete within its RecordTtl regardless.
    sides.forEach(s -> s.producer().flush());
    Eventually.within(
        RECORD_TTL.plusSeconds(30),
        "every producer future completed",
        () -> ledger.completed() == ledger.written(),
        () -> ledger.completed() + " of " + ledger.written() + " completed");
    sides.forEach(s -> s.progress().stop());
    Eventually.within(
        Duration.ofSeconds(60),
        "every acknowledged record consumed",
        () -> ledger.pendingConsumption() == 0,
        () -> ledger.pendingConsumption() + " acknowledged records not consumed yet");
    consumerProgress.stop();
    plan.off();
    sampler.close();
    Duration drain = Duration.ofNanos(System.nanoTime() - faultsEnded);
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    RecordLedger.Tally tally = ledger.tally();

    CampaignReport.Builder report =
        CampaignReport.builder(2, "Throttling and errors")
            .what(
                "serve in process with the engine's Kinesis limits on (a "
                    + SHARDS
                    + "-shard stream, less than the producers try to write), reached through a"
                    + " fault-injecting HTTP proxy that answers a fraction of the calls with a"
                    + " throttling error (400) or an internal error (500), drops the connection"
                    + " before or after serve acted, or delays the answer by 0.1 to 1.5 s; storms"
                    + " multiply the rates by "
                    + (int) STORM_FACTOR
                    + ". Two kpl-lite producers (aggregating and not, "
                    + ADDERS_PER_PRODUCER
                    + " adding threads each, small buffer limits) write; two kcl-lite workers"
                    + " (EmbeddedLeaseStore) consume through the same proxy. "
                    + outageText(WRITE_OUTAGES, "write", WRITE_OUTAGE, " (longer than RecordTtl)")
                    + "; "
                    + outageText(READ_OUTAGES, "read", READ_OUTAGE, "")
                    + ". Faults stay on until every future has completed and every acknowledged"
                    + " record is consumed.")
            .ran(faultPhase)
            .faults(proxy.injectedTotal())
            .records(ledger.written(), tally.lost(), tally.duplicates())
            .worstRecovery(
                FaultCampaignFigures.worstStall(sides, consumerProgress),
                "longest time a producer or consumer made no progress, outages excluded");
    new FaultCampaignFigures(
            proxy,
            ledger,
            tally,
            attempts,
            sides,
            consumerProgress,
            writes.recoveries(),
            reads.recoveries(),
            storms.sum(),
            batches.sum())
        .addTo(report);
    report
        .figure("seed", Long.toString(seed))
        .note(
            "Records written are those added to a producer; a record whose future failed was"
                + " not acknowledged, so it is not lost if no consumer saw it (failures here are"
                + " RecordExpiredException, mostly from the outages). Duplicates are records of"
                + " puts that serve stored but whose answer the proxy dropped: the producer tried"
                + " them again, as documented.")
        .note(
            String.format(
                Locale.ROOT,
                "The whole test took %s: %s to start, %s of adding under faults, then %s until"
                    + " every future had completed and every acknowledged record was consumed"
                    + " (faults still on).",
                CampaignReport.format(took),
                CampaignReport.format(setUp),
                CampaignReport.format(faultPhase),
                CampaignReport.format(drain)));
    report.build().write();

    // Producers and consumers made progress in both halves of the fault phase.
    long[] half = halfway.get();
    assertThat(half).as("the sampler saw the middle of the fault phase").isNotNull();
    assertThat(half[0]).as("records acknowledged in the first half").isPositive();
    assertThat(end[0] - half[0]).as("records acknowledged in the second half").isPositive();
    assertThat(half[1]).as("records consumed in the first half").isPositive();
    assertThat(end[1] - half[1]).as("records consumed in the second half").isPositive();
    assertThat(ledger.full()).as("the ledger had room for every record").isFalse();

    // Every future completed, and every failure is a documented one.
    assertThat(ledger.completed()).as("futures completed").isEqualTo(ledger.written());
    assertThat(tally.failed()).as("records that expired in the write outages").isPositive();
    assertThat(tally.failedButStored())
        .as("records stored although their future failed (outage dropping answers)")
        .isPositive();
    assertThat(writes.recoveries())
        .as("producers acknowledged records again after each write outage")
        .hasSize(WRITE_OUTAGES.size());
    assertThat(reads.recoveries())
        .as("consumers consumed records again after each read outage")
        .hasSize(READ_OUTAGES.size());
    for (ProducerSide s : sides) {
      assertThat(s.adders().undocumentedFailures())
          .as("failures of the %s producer other than RecordExpiredException", s.name())
          .isEmpty();
    }

    // Nothing acknowledged was lost; nothing consumed was made up or changed.
    assertThat(tally.lost()).as("acknowledged records never consumed").isZero();
    assertThat(ledger.phantoms()).as("consumed records that were never written").isZero();
    assertThat(ledger.corrupt()).as("consumed records whose data changed").isZero();

    // Memory stayed within the configured bounds, and the bounds were what held the adders back.
    for (ProducerSide s : sides) {
      ProducerConfig c = s.producer().config();
      assertThat(s.peakRecords().get())
          .as("peak outstanding records of the %s producer", s.name())
          .isLessThanOrEqualTo(c.maxOutstandingRecords());
      assertThat(s.peakBytes().get())
          .as("peak outstanding bytes of the %s producer", s.name())
          .isLessThanOrEqualTo(c.maxOutstandingBytes());
      assertThat(s.reachedALimit())
          .as("the %s producer reached 90 %% of one of its limits", s.name())
          .isTrue();
    }

    // Every kind of fault was injected, and reached the producers as the error it stands for.
    for (Fault f : Fault.values()) {
      assertThat(proxy.injected(f)).as("faults injected: %s", f.label()).isPositive();
    }
    assertThat(attempts.of("ProvisionedThroughputExceededException", true))
        .as("attempts throttled by the proxy")
        .isPositive();
    assertThat(attempts.of("ProvisionedThroughputExceededException", false))
        .as("attempts throttled by the engine's own limits")
        .isPositive();
    assertThat(attempts.of("InternalFailure", true))
        .as("attempts failed with the proxy's internal error")
        .isPositive();
    assertThat(attempts.of("TransportIoException", false))
        .as("attempts failed by a dropped connection")
        .isPositive();
    assertThat(FaultCampaignFigures.faultsOn(proxy, "GetRecords"))
        .as("faults injected into consumers' reads")
        .isPositive();
  }

  /** Outages in time order. */
  private static Map<Duration, Fault> timeline(Map<Duration, Fault> outages) {
    return Collections.unmodifiableMap(new TreeMap<>(outages));
  }

  private static String outageText(
      Map<Duration, Fault> outages, String what, Duration length, String remark) {
    return outages.size()
        + " "
        + what
        + " outage(s) of "
        + CampaignReport.format(length)
        + remark
        + " give every "
        + (what.equals("write") ? "PutRecords" : "GetRecords")
        + " one fault ("
        + outages.values().stream().map(Fault::label).collect(Collectors.joining(", "))
        + ")";
  }

  /** Lays out outages of {@code operation} on {@code chaos}, timed by {@code clock}. */
  private static void outages(
      ChaosSchedule chaos,
      FaultPlan plan,
      String operation,
      Map<Duration, Fault> outages,
      RecoveryClock clock,
      LongSupplier progress) {
    Duration length = operation.equals("PutRecords") ? WRITE_OUTAGE : READ_OUTAGE;
    outages.forEach(
        (start, kind) -> {
          chaos.at(
              start,
              () -> {
                plan.outage(operation, kind);
                clock.begin();
              });
          chaos.at(
              start.plus(length),
              () -> {
                plan.endOutage();
                clock.end(progress.getAsLong());
              });
        });
  }

  private ProducerConfig.Builder producerConfig() {
    return ProducerConfig.builder()
        .recordTtl(RECORD_TTL)
        .recordMaxBufferedTime(Duration.ofMillis(50))
        .bufferFullWait(BUFFER_FULL_WAIT)
        .closeTimeout(Duration.ofSeconds(5));
  }

  private void addSide(
      String name,
      ProducerConfig config,
      KinesisTransport transport,
      String stream,
      RecordLedger ledger,
      AttemptTally attempts) {
    KinesisProducer producer = KinesisProducer.create(config, transport);
    closing.add(producer);
    StallWatch progress = new StallWatch();
    RecordAdders adders =
        new RecordAdders("campaign2-" + name, producer, stream, ledger, progress, attempts);
    sides.add(new ProducerSide(name, producer, adders, progress));
  }
}
