package io.kinesislite.reliability;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.LogAgent;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.Worker;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The security campaign's child process: a whole pipeline at INFO whose standard error the campaign
 * reads for secrets and payloads. It starts {@code serve} with SigV4 checks on, then, all signing
 * with the same key, secret and session token: a kpl-lite producer puts records, the log-agent
 * ships the lines of a file, and a kcl-lite worker consumes every record. It prints {@code consumed
 * N} on standard output and exits 0 once all were consumed, 1 if they were not within a minute.
 *
 * <p>Arguments: a work directory, the access key id, the secret, the session token, the payload
 * marker, and the number of records each of producer and agent sends.
 */
public final class LoggedPipeline {
  private static final String STREAM = "secure";

  private LoggedPipeline() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String keyId = args[1];
    String secret = args[2];
    String token = args[3];
    String marker = args[4];
    int each = Integer.parseInt(args[5]);
    CountDownLatch consumed = new CountDownLatch(2 * each);
    try (KinesisServer server =
            KinesisServer.start(
                ServerConfig.builder()
                    .port(0)
                    .accessKey(keyId, secret)
                    .engine(EngineConfig.builder().limitsEnabled(false).build())
                    .build());
        KinesisTransport kinesis =
            Transports.open(transportConfig(server, keyId, secret, token).build())) {
      kinesis.createStream(STREAM, 2).get(30, TimeUnit.SECONDS);
      kinesis.awaitStreamActive(STREAM, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);

      Path log = dir.resolve("app.log");
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < each; i++) {
        lines.add("agent line " + i + " " + marker);
      }
      Files.write(log, lines, StandardCharsets.UTF_8);
      AgentConfig agentConfig =
          AgentConfig.builder()
              .stateDirectory(dir.resolve("state"))
              .scanInterval(Duration.ofMillis(100))
              .metricsAddress(new InetSocketAddress("127.0.0.1", 0))
              .flows(
                  List.of(
                      FlowConfig.builder(STREAM)
                          .files(List.of(dir.resolve("*.log").toString()))
                          .transport(server.endpoint().toString())
                          .transportConfig(transportConfig(server, keyId, secret, token).build())
                          .initialPosition(io.kinesislite.agent.InitialPosition.START_OF_FILE)
                          .build()))
              .build();
      ConsumerConfig consumerConfig =
          ConsumerConfig.builder()
              .applicationName("secure-app")
              .streamName(STREAM)
              .initialPosition(InitialPosition.trimHorizon())
              .idleWait(Duration.ofMillis(100))
              .takeInterval(Duration.ofMillis(200))
              .build();
      try (LogAgent agent = LogAgent.start(agentConfig);
          KinesisProducer producer = KinesisProducer.create(ProducerConfig.defaults(), kinesis);
          Worker worker =
              Worker.create(
                  consumerConfig,
                  kinesis,
                  EmbeddedLeaseStore.inMemory(),
                  shard -> new Counting(consumed, marker))) {
        worker.start();
        List<CompletableFuture<?>> puts = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          puts.add(
              producer.add(
                  STREAM,
                  "key-" + i,
                  ByteBuffer.wrap(
                      ("producer record " + i + " " + marker).getBytes(StandardCharsets.UTF_8))));
        }
        producer.flushSync();
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        boolean all = consumed.await(60, TimeUnit.SECONDS);
        System.out.println("consumed " + (2 * each - consumed.getCount()));
        worker.shutdown().get(30, TimeUnit.SECONDS);
        agent.saveState();
        System.exit(all ? 0 : 1);
      }
    }
  }

  private static TransportConfig.Builder transportConfig(
      KinesisServer server, String keyId, String secret, String token) {
    return TransportConfig.builder()
        .selection(server.endpoint().toString())
        .region("us-east-1")
        .credentials(CredentialsSource.staticKeys(keyId, secret, token));
  }

  /** Counts down once for each record that carries the marker; checkpoints every batch. */
  private static final class Counting implements RecordProcessor {
    private final CountDownLatch consumed;
    private final String marker;

    Counting(CountDownLatch consumed, String marker) {
      this.consumed = consumed;
      this.marker = marker;
    }

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {}

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      for (ConsumerRecord r : records) {
        if (new String(r.dataBytes(), StandardCharsets.UTF_8).contains(marker)) {
          consumed.countDown();
        }
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
