package io.kinesislite.cli;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.engine.SyncPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kinesis-lite serve}: the bundled engine as a Kinesis-compatible endpoint on this host, for
 * any AWS SDK, the KCL and the KPL. Runs until SIGTERM or SIGINT, then stops accepting, lets calls
 * in progress finish and, when durable, leaves the data directory synced.
 *
 * <pre>
 * kinesis-lite serve                                   # http://127.0.0.1:4567, in memory
 * kinesis-lite serve --data-dir /var/lib/kinesis-lite --sync always --tls
 * </pre>
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the bundled engine as a Kinesis-compatible endpoint (JSON 1.1 and CBOR over HTTP/1.1"
          + " and HTTP/2, SubscribeToShard, optional TLS and SigV4) until SIGTERM or SIGINT.",
      "GET /health and GET /ready answer probes."
    },
    footer = {
      "",
      "Examples:",
      "  kinesis-lite serve",
      "  kinesis-lite serve --port 4567 --data-dir ./kinesis-data --sync always",
      "  kinesis-lite serve --tls --cert-out ./serve-cert.pem",
      "  kinesis-lite serve --access-key AKIDLOCAL:secret    # check SigV4 signatures",
      "  kinesis-lite serve --access-key-file keys.txt       # the same, secrets kept out of ps",
      "  aws --endpoint-url http://127.0.0.1:4567 kinesis list-streams"
    })
public final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host;

  @Option(
      names = {"-p", "--port"},
      defaultValue = "4567",
      description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = {"-d", "--data-dir"},
      description = "Keep the data durable in this directory (default: in memory).")
  Path dataDir;

  @Option(
      names = "--sync",
      defaultValue = "interval",
      description =
          "When a durable engine acknowledges puts: always, interval or never"
              + " (default: ${DEFAULT-VALUE}).")
  String sync;

  @Option(
      names = "--sync-interval",
      defaultValue = "PT0.1S",
      description = "How often the interval policy syncs, ISO-8601 (default: 100 ms).")
  Duration syncInterval;

  @Option(
      names = "--no-limits",
      description = "Turn off the Kinesis throughput limits (default: on, as Kinesis).")
  boolean noLimits;

  @Option(
      names = "--shard-limit",
      defaultValue = "500",
      description = "Open shards allowed in all (default: ${DEFAULT-VALUE}).")
  int shardLimit;

  @Option(
      names = "--max-record-size",
      defaultValue = "1048576",
      description = "Largest record in bytes (default: ${DEFAULT-VALUE}, 1 MiB; up to 10 MiB).")
  int maxRecordSize;

  @Option(names = "--tls", description = "Serve HTTPS (a self-signed certificate unless --cert).")
  boolean tls;

  @Option(names = "--cert", description = "Certificate chain (PEM) to serve TLS with.")
  Path cert;

  @Option(names = "--key", description = "Private key (PEM, PKCS#8) of --cert.")
  Path key;

  @Option(
      names = "--cert-out",
      description =
          "Write the generated certificate here (default: the data directory, or a"
              + " temporary file).")
  Path certOut;

  @Option(
      names = "--access-key",
      paramLabel = "ID:SECRET",
      description = "Accept requests signed with this key pair; repeatable. Turns SigV4 checks on.")
  List<String> accessKeys = new ArrayList<>();

  @Option(
      names = "--access-key-file",
      paramLabel = "PATH",
      description =
          "Accept requests signed with the key pairs in this file, one ID:SECRET per line (blank"
              + " lines and # comments skipped), so that no secret shows in the process list;"
              + " repeatable. Turns SigV4 checks on.")
  List<Path> accessKeyFiles = new ArrayList<>();

  @Option(
      names = "--max-request-bytes",
      defaultValue = "16777216",
      description = "Largest request body (default: ${DEFAULT-VALUE}, 16 MiB).")
  int maxRequestBytes;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = config();
    PrintWriter out = spec.commandLine().getOut();
    KinesisServer server = KinesisServer.start(config);
    Thread hook = new Thread(server::close, "kinesis-lite-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(
        "kinesis-lite serve: listening on "
            + server.endpoint()
            + " ("
            + (dataDir != null ? "durable in " + dataDir + ", sync " + sync : "in memory")
            + ")");
    server.certificateFile().ifPresent(c -> out.println("kinesis-lite serve: certificate " + c));
    out.flush();
    server.awaitClose();
    return 0;
  }

  ServerConfig config() {
    EngineConfig.Builder engine =
        EngineConfig.builder()
            .limitsEnabled(!noLimits)
            .shardLimit(shardLimit)
            .maxRecordSize(maxRecordSize)
            .syncInterval(syncInterval);
    engine.syncPolicy(syncPolicy());
    if (dataDir != null) {
      engine.directory(dataDir);
    }
    ServerConfig.Builder b =
        ServerConfig.builder()
            .host(host)
            .port(port)
            .engine(engine.build())
            .maxRequestBytes(maxRequestBytes)
            .tls(tls);
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--cert and --key go together: give both or neither");
      }
      b.certificate(cert, key);
    }
    if (certOut != null) {
      b.certificateOutput(certOut);
    } else if (dataDir != null) {
      b.certificateOutput(dataDir.resolve("serve-certificate.pem"));
    }
    for (String pair : accessKeys) {
      int colon = pair.indexOf(':');
      if (colon <= 0 || colon == pair.length() - 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--access-key must be ID:SECRET, got '" + pair + "'");
      }
      b.accessKey(pair.substring(0, colon), pair.substring(colon + 1));
    }
    for (Path file : accessKeyFiles) {
      readAccessKeys(file, b);
    }
    return b.build();
  }

  // The error texts name the file and the line, never the line itself: it holds a secret.
  private void readAccessKeys(Path file, ServerConfig.Builder b) {
    List<String> lines;
    try {
      lines = java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--access-key-file " + file + " cannot be read: " + e);
    }
    int pairs = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || colon == line.length() - 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--access-key-file " + file + " line " + (i + 1) + " must be ID:SECRET");
      }
      b.accessKey(line.substring(0, colon), line.substring(colon + 1));
      pairs++;
    }
    if (pairs == 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--access-key-file " + file + " holds no ID:SECRET line");
    }
  }

  private SyncPolicy syncPolicy() {
    try {
      return SyncPolicy.valueOf(sync.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--sync must be always, interval or never, got '" + sync + "'");
    }
  }
}
