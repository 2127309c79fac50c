package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.LogAgent;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign 6, security: {@code serve} and the log-agent's metrics endpoint bind loopback by default
 * (checked in the kernel's table of listening sockets, and by connecting to the host's other
 * addresses); with SigV4 checks on, {@code serve} refuses unsigned, wrongly signed, tampered and
 * stale requests with the documented error codes and accepts correctly signed ones; and a whole
 * pipeline at INFO (serve with SigV4, a kpl-lite producer, the log-agent, a kcl-lite worker, in a
 * child JVM) writes neither the secret key, the session token nor any record payload to its log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityCampaignIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_ID = "AKIDSECURITYCAMPAIGN";
  private static final String SECRET = "s3cr3t-" + UniqueSuffix.next();
  private static final String TOKEN = "t0ken-" + UniqueSuffix.next();
  private static final String MARKER = "payload-" + UniqueSuffix.next();

  @TempDir Path dir;

  private final long started = System.nanoTime();
  private final Map<String, String> figures = new TreeMap<>();
  private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
  private long checks;
  private Process child;

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void serveBindsLoopbackByDefault() throws Exception {
    assertThat(ServerConfig.defaults().host()).isEqualTo("127.0.0.1");
    assertThat(
            new picocli.CommandLine(new io.kinesislite.cli.ServeCommand())
                .getCommandSpec()
                .findOption("--host")
                .defaultValue())
        .as("kinesis-lite serve --host by default")
        .isEqualTo("127.0.0.1");
    checks += 2;
    // The default port, 4567, may be taken on a shared machine; the host is what is checked.
    try (KinesisServer server = KinesisServer.start(ServerConfig.builder().port(0).build())) {
      int refused = assertListensOnLoopbackOnly("serve", server.port());
      figures.put("serve: non-loopback addresses refused", Integer.toString(refused));
    }
  }

  @Test
  void theAgentsMetricsEndpointBindsLoopbackByDefault() throws Exception {
    InetSocketAddress byDefault = AgentConfig.DEFAULT_METRICS_ADDRESS;
    assertThat(byDefault.getAddress().isLoopbackAddress()).as("default %s", byDefault).isTrue();
    Files.createDirectories(dir.resolve("logs"));
    AgentConfig config =
        AgentConfig.builder()
            .stateDirectory(dir.resolve("state"))
            .metricsAddress(new InetSocketAddress(byDefault.getAddress(), 0))
            .flows(
                List.of(
                    FlowConfig.builder("metrics-only")
                        .files(List.of(dir.resolve("logs/*.log").toString()))
                        .transport("embedded:")
                        .createStreamShards(1)
                        .build()))
            .build();
    try (LogAgent agent = LogAgent.start(config)) {
      int port = agent.metricsAddress().orElseThrow().getPort();
      int refused = assertListensOnLoopbackOnly("agent metrics", port);
      figures.put("agent metrics: non-loopback addresses refused", Integer.toString(refused));
    }
  }

  @Test
  void withSigV4OnlyCorrectlySignedRequestsAreServed() throws Exception {
    try (KinesisServer server =
        KinesisServer.start(ServerConfig.builder().port(0).accessKey(KEY_ID, SECRET).build())) {
      byte[] body = "{\"Limit\":5}".getBytes(StandardCharsets.UTF_8);
      byte[] tampered = "{\"Limit\":6}".getBytes(StandardCharsets.UTF_8);
      Instant now = Instant.now();
      Map<String, String> outcomes = new TreeMap<>();

      expect(server, outcomes, "signed", signed(KEY_ID, SECRET, now, body, false), body, 200, null);
      expect(
          server,
          outcomes,
          "signed, payload hash declared",
          signed(KEY_ID, SECRET, now, body, true),
          body,
          200,
          null);
      expect(
          server,
          outcomes,
          "unsigned",
          List.of(),
          body,
          400,
          "MissingAuthenticationTokenException");
      expect(
          server,
          outcomes,
          "wrong secret",
          signed(KEY_ID, SECRET + "x", now, body, false),
          body,
          400,
          "InvalidSignatureException");
      expect(
          server,
          outcomes,
          "unknown key id",
          signed("AKIDNOBODY", SECRET, now, body, false),
          body,
          400,
          "UnrecognizedClientException");
      expect(
          server,
          outcomes,
          "tampered body",
          signed(KEY_ID, SECRET, now, body, false),
          tampered,
          400,
          "InvalidSignatureException");
      expect(
          server,
          outcomes,
          "tampered body, original payload hash declared",
          signed(KEY_ID, SECRET, now, body, true),
          tampered,
          400,
          "InvalidSignatureException");
      expect(
          server,
          outcomes,
          "date 10 min old",
          signed(KEY_ID, SECRET, now.minus(Duration.ofMinutes(10)), body, false),
          body,
          400,
          "InvalidSignatureException");
      expect(
          server,
          outcomes,
          "date 10 min ahead",
          signed(KEY_ID, SECRET, now.plus(Duration.ofMinutes(10)), body, false),
          body,
          400,
          "InvalidSignatureException");
      outcomes.forEach((name, outcome) -> figures.put("SigV4: " + name, outcome));

      // Then random damage, many more rounds in the full form: each must be refused.
      int rounds = (int) CampaignMode.current().pick(30, 3_000);
      java.util.Random random = new java.util.Random(Long.getLong("kinesislite.security.seed", 6));
      Map<String, Integer> refused = new TreeMap<>();
      for (int i = 0; i < rounds; i++) {
        byte[] original =
            ("{\"Limit\":" + (1 + random.nextInt(100)) + "}").getBytes(StandardCharsets.UTF_8);
        byte[] damaged = original.clone();
        damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
        String secret = SECRET.substring(0, random.nextInt(SECRET.length())) + "?";
        Duration skew = Duration.ofSeconds(301 + random.nextInt(86_400));
        Instant stale = random.nextBoolean() ? now.minus(skew) : now.plus(skew);
        boolean declare = random.nextBoolean();
        String kind =
            switch (random.nextInt(3)) {
              case 0 -> "random body damage";
              case 1 -> "random wrong secret";
              default -> "random date beyond the skew";
            };
        List<String> headers =
            switch (kind) {
              case "random body damage" -> signed(KEY_ID, SECRET, now, original, declare);
              case "random wrong secret" -> signed(KEY_ID, secret, now, original, declare);
              default -> signed(KEY_ID, SECRET, stale, original, declare);
            };
        Map<String, String> ignored = new TreeMap<>();
        expect(
            server,
            ignored,
            kind,
            headers,
            kind.equals("random body damage") ? damaged : original,
            400,
            "InvalidSignatureException");
        refused.merge(kind, 1, Integer::sum);
      }
      refused.forEach(
          (kind, n) -> figures.put("SigV4: " + kind + ", refused", Integer.toString(n)));
    }
  }

  @Test
  void aPipelineAtInfoLogsNoSecretTokenOrPayload() throws Exception {
    int each = 25;
    Path stderr = dir.resolve("pipeline.stderr");
    Path stdout = dir.resolve("pipeline.stdout");
    Files.createDirectories(dir.resolve("work"));
    child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A quick start matters more than peak speed for a run of a few seconds.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp",
                System.getProperty("java.class.path"),
                LoggedPipeline.class.getName(),
                dir.resolve("work").toString(),
                KEY_ID,
                SECRET,
                TOKEN,
                MARKER,
                Integer.toString(each))
            .redirectError(stderr.toFile())
            .redirectOutput(stdout.toFile())
            .start();
    boolean ended = child.waitFor(120, TimeUnit.SECONDS);
    String out = Files.readString(stdout);
    String log = Files.readString(stderr);
    assertThat(ended).as("the pipeline ended; its log:%n%s", log).isTrue();
    assertThat(child.exitValue()).as("pipeline exit; stdout %s; log:%n%s", out, log).isZero();
    assertThat(out).contains("consumed " + (2 * each));
    List<String> lines = log.lines().toList();
    long info = lines.stream().filter(l -> l.contains(" INFO ")).count();
    figures.put("log: lines written at INFO and above", Long.toString(lines.size()));
    figures.put("log: INFO lines", Long.toString(info));
    figures.put("records produced and consumed (payload marked)", Integer.toString(2 * each));
    assertThat(info).as("the capture sees the pipeline's INFO lines").isPositive();
    Path kept =
        Path.of(System.getProperty(CampaignReport.DIRECTORY_PROPERTY, "target/reliability"));
    Files.createDirectories(kept);
    Files.writeString(kept.resolve("06-pipeline.log"), log); // for whoever reads the report
    for (String secret : List.of(SECRET, TOKEN, MARKER)) {
      List<String> needles = new ArrayList<>(List.of(secret));
      needles.addAll(base64Forms(secret)); // record data travels base64-encoded in JSON
      List<String> leaking =
          lines.stream().filter(l -> needles.stream().anyMatch(l::contains)).toList();
      figures.put("log: lines with the " + kind(secret), Integer.toString(leaking.size()));
      assertThat(leaking).as("log lines holding the %s (or its base64)", kind(secret)).isEmpty();
      checks++;
    }
  }

  @AfterAll
  void report() {
    CampaignReport.Builder report =
        CampaignReport.builder(6, "Security")
            .what(
                "`serve` (default `ServerConfig` host; `kinesis-lite serve --host` defaults to"
                    + " 127.0.0.1 too) and the log-agent's metrics endpoint"
                    + " (default address's host) checked in /proc/net/tcp{,6} to listen on"
                    + " loopback only, and a connection to each non-loopback address of the host"
                    + " refused; `serve` with SigV4 on sent requests signed by hand: correct,"
                    + " unsigned, wrong secret, unknown key, tampered body (with and without the"
                    + " payload hash declared) and dates 10 min off, then random damage (a"
                    + " flipped body byte, a wrong secret, a date beyond the skew; 30 rounds short,"
                    + " 3,000 full); faults injected counts every hostile request and probe; a"
                    + " pipeline at INFO (serve"
                    + " with SigV4, kpl-lite, the log-agent and a kcl-lite worker, all signing"
                    + " with a session token) in a child JVM, its stderr searched for the secret,"
                    + " the token and the records' payload.")
            .ran(Duration.ofNanos(System.nanoTime() - started))
            .faults(checks);
    figures.forEach(report::figure);
    notes.forEach(report::note);
    report.note(
        "Found by this campaign and fixed in serve: a request that declared its payload hash"
            + " (`X-Amz-Content-Sha256`) was verified against the declared hash only, so a signed"
            + " request replayed with another body (within the allowed skew) was served; the"
            + " declared hash is now checked against the body. `UNSIGNED-PAYLOAD` is still"
            + " accepted, also over plain HTTP, as the AWS SDK may send it.");
    report.note(
        "Not covered: logs at DEBUG and TRACE, and secrets given on a command line (`kinesis-lite serve --access-key ID:SECRET` is"
            + " visible to `ps`; `--access-key-file` keeps them out of it).");
    report.build().write();
  }

  /**
   * The parts of {@code text}'s base64 that appear whatever its offset in a longer base64-encoded
   * value: one per alignment, its uncertain first and last characters cut.
   */
  private static List<String> base64Forms(String text) {
    List<String> forms = new ArrayList<>();
    for (String prefix : List.of("", "x", "xx")) {
      String encoded =
          java.util.Base64.getEncoder()
              .encodeToString((prefix + text).getBytes(StandardCharsets.UTF_8));
      forms.add(encoded.substring(4, encoded.length() - 4));
    }
    return forms;
  }

  private static String kind(String secret) {
    return secret.equals(SECRET)
        ? "secret key"
        : secret.equals(TOKEN) ? "session token" : "payload";
  }

  /**
   * Checks that only loopback addresses listen on {@code port} and that a connection to each other
   * address of this host is refused.
   *
   * @return how many non-loopback addresses were tried and refused
   */
  private int assertListensOnLoopbackOnly(String what, int port) throws IOException {
    List<InetAddress> bound = ListeningSockets.on(port);
    assertThat(bound).as("%s listens on port %d", what, port).isNotEmpty();
    assertThat(bound).as("%s's bound addresses", what).allMatch(InetAddress::isLoopbackAddress);
    checks++;
    int refused = 0;
    for (InetAddress address : nonLoopbackAddresses()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(address, port), 2_000);
        throw new AssertionError(what + " accepted a connection on " + address + ":" + port);
      } catch (ConnectException e) {
        refused++;
        checks++;
      }
    }
    if (refused == 0) {
      notes.add(
          what + ": this host has no non-loopback address, so only the bound address was checked");
    }
    return refused;
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && a instanceof Inet4Address) {
          addresses.add(a);
        }
      }
    }
    return addresses;
  }

  private static List<String> signed(
      String keyId, String secret, Instant at, byte[] body, boolean declareHash) {
    return SigV4Signer.headers(
        keyId, secret, at, "Kinesis_20131202.ListStreams", body, declareHash);
  }

  private void expect(
      KinesisServer server,
      Map<String, String> outcomes,
      String name,
      List<String> headers,
      byte[] body,
      int status,
      String type)
      throws Exception {
    HostileRequest request =
        new HostileRequest(
            "Kinesis_20131202.ListStreams",
            ServeRequests.JSON_TYPE,
            HostileRequest.LengthLie.TRUE,
            headers,
            body,
            "json");
    SocketExchange.Outcome o =
        SocketExchange.exchange(server.port(), request.bytes(), Duration.ofSeconds(10));
    String actualType =
        o.status() >= 400 && o.body().length > 0
            ? JSON.readTree(o.body()).path("__type").asText()
            : null;
    outcomes.put(name, o.status() + (actualType == null ? "" : " " + actualType));
    checks++;
    assertThat(o.status()).as("%s: %s", name, o).isEqualTo(status);
    if (type != null) {
      assertThat(actualType).as("%s: %s", name, o).isEqualTo(type);
    }
  }

  /** Random-enough suffixes, so that the strings searched for in the log occur nowhere else. */
  private static final class UniqueSuffix {
    static String next() {
      return Long.toString(System.nanoTime(), 36).toUpperCase(Locale.ROOT)
          + Integer.toHexString(new java.util.Random().nextInt());
    }
  }
}
