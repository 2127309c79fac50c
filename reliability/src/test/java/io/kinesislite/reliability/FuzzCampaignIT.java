package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kinesislite.agent.LogFormat;
import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.agent.internal.Processing;
import io.kinesislite.agent.internal.ProcessingListener;
import io.kinesislite.agent.internal.RecordContext;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.transport.AggregateDecoder;
import io.kinesislite.transport.CorruptAggregateException;
import io.kinesislite.transport.UserRecord;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Campaign 5, bad input fuzzing: inputs drawn from jqwik generators ({@link Fuzzer}) for three
 * targets, each input checked against what the documentation promises.
 *
 * <ul>
 *   <li>{@code serve} ({@link KinesisServer} in this JVM, on loopback): {@link ServeRequests} for
 *       every operation, JSON and CBOR, bodies well formed but wrong and garbage, random targets,
 *       content types and {@code Content-Length} lies. Every answer must come within a timeout, be
 *       below 500, and carry a {@code __type} when it is a 4xx; a well-framed request must be
 *       answered, not just dropped. Afterwards {@code GET /health} answers 200, a valid put works,
 *       and the heap after GC has not grown beyond a loose bound.
 *   <li>the KPL aggregated-record decoder ({@link AggregateDecoder}): {@link AggregateInputs}. Only
 *       {@link CorruptAggregateException} (or {@code IllegalArgumentException} for what is not an
 *       aggregate, as documented) may come out, valid aggregates decode to what was written, and no
 *       input makes the decoder allocate much more than the input's size.
 *   <li>the log-agent's processing steps ({@link Processing}): {@link LogLines}. No step may fail
 *       with an unexpected exception (Processing reports those to its listener as {@code unexpected
 *       ...}), a JSON step's output is JSON ending in a newline, a dropped record was dropped by a
 *       failing {@code onError: DROP} step, and an intact line of a format parses.
 * </ul>
 *
 * The tries per target come from {@link CampaignMode}; the seed is printed and reported, and {@code
 * -Dkinesislite.fuzz.seed=N} replays a run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzCampaignIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
  private static final long HEAP_GROWTH_BOUND = 256L << 20;

  private final CampaignMode mode = CampaignMode.current();
  private final long seed = Long.getLong("kinesislite.fuzz.seed", System.nanoTime());
  private final long started = System.nanoTime();
  private final Map<String, Fuzzer.Result> results = new ConcurrentHashMap<>();
  private final Map<String, String> figures = new TreeMap<>();

  @BeforeAll
  void announce() {
    System.out.printf(Locale.ROOT, "FuzzCampaignIT: mode %s, seed %d%n", mode.label(), seed);
  }

  @Test
  void serveAnswersEveryHostileRequestBelow500WithAnErrorTypeAndStaysHealthy() throws Exception {
    int tries = (int) mode.pick(500, 40_000);
    EngineConfig engine = EngineConfig.builder().shardLimit(64).build();
    try (KinesisServer server =
        KinesisServer.start(
            ServerConfig.builder().port(0).maxRequestBytes(64 * 1024).engine(engine).build())) {
      ServeRequests.Names names = ServeFixture.prepare(server.port());
      long heapBefore = usedHeapAfterGc();
      Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
      Fuzzer.Result result;
      try (Fuzzer fuzzer = new Fuzzer("serve", ANSWER_TIMEOUT.plusSeconds(5))) {
        result =
            fuzzer.run(
                new ServeRequests(names).requests(),
                tries,
                seed,
                request -> checkAnswer(server.port(), request, answers),
                HostileRequest::toString);
      }
      long heapAfter = usedHeapAfterGc();
      results.put("serve", result);
      figures.put("serve: answers by status and __type", summary(answers));
      figures.put(
          "serve: heap used after GC, before → after",
          (heapBefore >> 20) + " → " + (heapAfter >> 20) + " MiB");

      assertThat(result.examples()).as("failing requests (seed %d)", seed).isEmpty();
      assertThat(result.failures()).isZero();
      SocketExchange.Outcome health =
          SocketExchange.exchange(
              server.port(),
              "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
              ANSWER_TIMEOUT);
      assertThat(health.status()).as("GET /health after the fuzzing: %s", health).isEqualTo(200);
      assertThat(
              ServeFixture.call(server.port(), "PutRecord", ServeFixture.putBody(names))
                  .path("SequenceNumber")
                  .asText())
          .as("a valid put after the fuzzing")
          .isNotBlank();
      assertThat(heapAfter - heapBefore)
          .as("heap growth over %d hostile requests", tries)
          .isLessThan(HEAP_GROWTH_BOUND);
    }
  }

  @Test
  void theAggregateDecoderFailsOnlyWithCorruptAggregateAndAllocatesLittle() {
    int tries = (int) mode.pick(3_000, 400_000);
    AtomicLong decoded = new AtomicLong();
    AtomicLong corrupt = new AtomicLong();
    AtomicLong notAggregates = new AtomicLong();
    AtomicLong mostAllocated = new AtomicLong();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Fuzzer.Result result;
    try (Fuzzer fuzzer = new Fuzzer("aggregates", Duration.ofSeconds(5))) {
      result =
          fuzzer.run(
              AggregateInputs.inputs(),
              tries,
              seed + 1,
              input -> {
                byte[] bytes = input.bytes();
                if (!AggregateDecoder.isAggregated(bytes)) {
                  notAggregates.incrementAndGet();
                  assertThatThrownBy(() -> AggregateDecoder.decode(bytes))
                      .isInstanceOf(IllegalArgumentException.class);
                  return;
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                List<UserRecord> records = null;
                try {
                  records = AggregateDecoder.decode(bytes);
                  decoded.incrementAndGet();
                } catch (CorruptAggregateException e) {
                  corrupt.incrementAndGet();
                  assertThat(e.getMessage()).isNotBlank();
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                mostAllocated.accumulateAndGet(allocated, Math::max);
                assertThat(allocated)
                    .as("bytes allocated decoding %d bytes", bytes.length)
                    .isLessThan((1L << 20) + 64L * bytes.length);
                if (input.originals() != null) {
                  assertThat(records).as("a valid aggregate decodes").isNotNull();
                  assertThat(records).hasSameSizeAs(input.originals());
                  for (int i = 0; i < records.size(); i++) {
                    AggregateInputs.Original o = input.originals().get(i);
                    assertThat(records.get(i).partitionKey()).isEqualTo(o.partitionKey());
                    assertThat(records.get(i).dataBytes()).isEqualTo(o.data());
                    assertThat(records.get(i).subSequenceNumber()).isEqualTo(i);
                  }
                }
              },
              AggregateInputs.Input::toString);
    }
    results.put("aggregate decoder", result);
    figures.put(
        "aggregate decoder: decoded / CorruptAggregateException / not an aggregate",
        decoded + " / " + corrupt + " / " + notAggregates);
    figures.put(
        "aggregate decoder: most bytes allocated by one decode",
        String.format(Locale.ROOT, "%,d", mostAllocated.get()));
    assertThat(result.examples()).as("failing aggregates (seed %d)", seed + 1).isEmpty();
    assertThat(result.failures()).isZero();
    assertThat(corrupt.get()).as("damaged aggregates were tried").isPositive();
    assertThat(decoded.get()).as("valid aggregates were tried").isPositive();
  }

  @Test
  void theAgentsProcessingStepsHandleEveryLineAsDocumented() {
    int tries = (int) mode.pick(2_000, 300_000);
    AtomicLong stepErrors = new AtomicLong();
    AtomicLong dropped = new AtomicLong();
    AtomicLong json = new AtomicLong();
    RecordContext context = new RecordContext("/var/log/fuzz.log", 42, "fuzz-host", Instant.EPOCH);
    Fuzzer.Result result;
    try (Fuzzer fuzzer = new Fuzzer("log-lines", Duration.ofSeconds(5))) {
      result =
          fuzzer.run(
              LogLines.cases(),
              tries,
              seed + 2,
              c -> {
                List<String> errors = new ArrayList<>();
                ProcessingListener listener =
                    new ProcessingListener() {
                      @Override
                      public void processingError(String step, String reason) {
                        errors.add(step + ": " + reason);
                      }

                      @Override
                      public void keyFallback(String source) {}
                    };
                byte[] out = Processing.of(c.steps(), listener).apply(c.line(), context);
                stepErrors.addAndGet(errors.size());
                assertThat(errors)
                    .as("steps that failed with an unexpected exception")
                    .noneMatch(e -> e.contains(": unexpected "));
                if (out == null) {
                  dropped.incrementAndGet();
                  assertThat(errors).as("a record dropped without a failing step").isNotEmpty();
                  assertThat(c.steps()).anyMatch(FuzzCampaignIT::drops);
                  return;
                }
                if (c.intact().isPresent()) {
                  assertThat(errors).as("an intact %s line", c.intact().get()).isEmpty();
                  JsonNode parsed = JSON.readTree(out);
                  assertThat(parsed.size()).isEqualTo(fieldCount(c.intact().get()));
                }
                ProcessorSpec last = c.steps().get(c.steps().size() - 1);
                if (errors.isEmpty() && writesJson(last)) {
                  json.incrementAndGet();
                  assertThat(out[out.length - 1])
                      .as("JSON output ends with a newline")
                      .isEqualTo((byte) '\n');
                  JsonNode parsed = JSON.readTree(out);
                  assertThat(parsed).as("JSON output").isNotNull();
                  if (!(last instanceof ProcessorSpec.JsonPassthrough)) {
                    assertThat(parsed.isObject()).as("a JSON object: %s", parsed).isTrue();
                  }
                }
              },
              LogLines.Case::toString);
    }
    results.put("log-agent processing", result);
    figures.put(
        "log-agent processing: step failures (passed or dropped) / dropped / JSON checked",
        stepErrors + " / " + dropped + " / " + json);
    assertThat(result.examples()).as("failing lines (seed %d)", seed + 2).isEmpty();
    assertThat(result.failures()).isZero();
  }

  @AfterAll
  void report() {
    Duration ran = Duration.ofNanos(System.nanoTime() - started);
    long inputs = results.values().stream().mapToLong(Fuzzer.Result::tries).sum();
    long failures = results.values().stream().mapToLong(Fuzzer.Result::failures).sum();
    Duration worst =
        results.values().stream()
            .map(Fuzzer.Result::worst)
            .max(Duration::compareTo)
            .orElse(Duration.ZERO);
    CampaignReport.Builder report =
        CampaignReport.builder(5, "Bad input fuzzing")
            .what(
                "Inputs drawn from jqwik 1.9 generators, seeded, for three targets: `serve`"
                    + " (in-process, loopback) with hostile requests for every operation (JSON and"
                    + " CBOR bodies well formed but wrong, garbage bodies, random `X-Amz-Target`,"
                    + " `Content-Type` and `Content-Length` lies); the KPL aggregated-record"
                    + " decoder with random bytes, valid aggregates, aggregates damaged with the"
                    + " MD5 recomputed and crafted protobuf; the log-agent's processing steps"
                    + " (singleLine, csvToJson, logToJson, addMetadata, jsonPassthrough,"
                    + " addBrackets in random chains) with random, damaged and pathological"
                    + " lines. Each input is bounded by a timeout; failures would be shrunk.")
            .ran(ran)
            .faults(inputs)
            .worstRecovery(worst, "slowest single input");
    for (String target : List.of("serve", "aggregate decoder", "log-agent processing")) {
      Fuzzer.Result r = results.get(target);
      report.figure(
          target + ": inputs tried / failed, time",
          r == null
              ? "not run"
              : String.format(
                  Locale.ROOT,
                  "%,d / %,d in %s",
                  r.tries(),
                  r.failures(),
                  CampaignReport.format(r.took())));
      if (r != null) {
        r.examples().forEach(e -> report.note("Failure (" + target + "): " + e));
      }
    }
    figures.forEach(report::figure);
    report.figure("seed", Long.toString(seed));
    report.figure("failures", Long.toString(failures));
    report.note(
        "Found by this campaign and fixed in serve: a body over `maxRequestBytes` (sent, announced"
            + " by `Content-Length`, or announced with `Expect: 100-continue`) was answered with"
            + " Netty's bare 413 without `__type`; it is now 413 `ValidationException` with a"
            + " message, in the request's JSON or CBOR.");
    report.note(
        "Replay a run with `-Dkinesislite.fuzz.seed=" + seed + "` (targets use seed, +1, +2).");
    report.build().write();
  }

  private static void checkAnswer(int port, HostileRequest request, Map<String, AtomicLong> answers)
      throws Exception {
    SocketExchange.Outcome o = SocketExchange.exchange(port, request.bytes(), ANSWER_TIMEOUT);
    switch (o.kind()) {
      case TIMED_OUT -> throw new AssertionError("neither answered nor closed within the timeout");
      case CLOSED -> {
        count(answers, "closed");
        assertThat(request.wellFramed())
            .as("a well-framed request was closed without an answer")
            .isFalse();
      }
      case ANSWERED -> {
        assertThat(o.status()).as("status of %s", o).isLessThan(500);
        if (o.status() >= 400) {
          String type = errorType(o);
          assertThat(type).as("__type of %s", o).isNotBlank();
          count(answers, o.status() + " " + type);
        } else {
          count(answers, Integer.toString(o.status()));
        }
      }
    }
  }

  private static String errorType(SocketExchange.Outcome o) throws Exception {
    if (o.body().length == 0) {
      return "";
    }
    boolean cbor = o.header("content-type").orElse("").contains("cbor");
    return (cbor ? CBOR : JSON).readTree(o.body()).path("__type").asText();
  }

  private static void count(Map<String, AtomicLong> answers, String key) {
    answers.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  private static String summary(Map<String, AtomicLong> answers) {
    StringBuilder s = new StringBuilder();
    new TreeMap<>(answers)
        .forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(": ").append(v));
    return s.toString();
  }

  private static boolean drops(ProcessorSpec spec) {
    return (spec instanceof ProcessorSpec.CsvToJson c && c.onError() == ProcessorSpec.OnError.DROP)
        || (spec instanceof ProcessorSpec.LogToJson l && l.onError() == ProcessorSpec.OnError.DROP)
        || (spec instanceof ProcessorSpec.JsonPassthrough j
            && j.onError() == ProcessorSpec.OnError.DROP);
  }

  private static boolean writesJson(ProcessorSpec spec) {
    return spec instanceof ProcessorSpec.CsvToJson
        || spec instanceof ProcessorSpec.LogToJson
        || spec instanceof ProcessorSpec.AddMetadata
        || spec instanceof ProcessorSpec.JsonPassthrough;
  }

  private static int fieldCount(LogFormat format) {
    return format.fields().size();
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
