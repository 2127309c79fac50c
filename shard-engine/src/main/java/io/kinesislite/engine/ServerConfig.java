package io.kinesislite.engine;

import io.kinesislite.transport.internal.ConfigChecks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link KinesisServer} serves: the address and port, TLS, request signature checks, and the
 * engine behind it. Immutable; build with {@link #builder()}. Each setter checks its value at once
 * and throws {@link IllegalArgumentException} naming the option and its range.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder()
 *     .port(4567)
 *     .tls(true)                       // a self-signed certificate, written to certificateFile()
 *     .engine(EngineConfig.builder().directory(Path.of("/var/lib/kinesis-lite")).build())
 *     .build();
 * }</pre>
 */
public final class ServerConfig {
  /** The port served by default: 4567, as kinesalite and kinesis-mock's TLS port. */
  public static final int DEFAULT_PORT = 4567;

  /** The largest request body accepted by default: 16 MiB (a 5 MiB put-many in base64 fits). */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

  private final String host;
  private final int port;
  private final EngineConfig engine;
  private final boolean tls;
  private final Path certificate;
  private final Path privateKey;
  private final Path certificateOutput;
  private final Map<String, String> accessKeys;
  private final Duration signatureMaxSkew;
  private final int maxRequestBytes;
  private final Duration shutdownGrace;
  private final Clock clock;

  private ServerConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.engine = b.engine;
    this.tls = b.tls;
    this.certificate = b.certificate;
    this.privateKey = b.privateKey;
    this.certificateOutput = b.certificateOutput;
    this.accessKeys = Map.copyOf(b.accessKeys);
    this.signatureMaxSkew = b.signatureMaxSkew;
    this.maxRequestBytes = b.maxRequestBytes;
    this.shutdownGrace = b.shutdownGrace;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: 127.0.0.1:4567, plain HTTP, no signature checks, an in-memory engine. */
  public static ServerConfig defaults() {
    return builder().build();
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public EngineConfig engine() {
    return engine;
  }

  public boolean tls() {
    return tls;
  }

  /** The supplied certificate chain (PEM); empty when the server generates its own. */
  public Optional<Path> certificate() {
    return Optional.ofNullable(certificate);
  }

  /** The supplied private key (PEM, PKCS#8); present exactly when {@link #certificate()} is. */
  public Optional<Path> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  /** Where a generated certificate is written for clients to trust; empty: a temporary file. */
  public Optional<Path> certificateOutput() {
    return Optional.ofNullable(certificateOutput);
  }

  /** Access key id → secret key; signature checks are on exactly when this is not empty. */
  public Map<String, String> accessKeys() {
    return accessKeys;
  }

  public boolean verifiesSignatures() {
    return !accessKeys.isEmpty();
  }

  public Duration signatureMaxSkew() {
    return signatureMaxSkew;
  }

  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "ServerConfig{host="
        + host
        + ", port="
        + port
        + ", tls="
        + tls
        + (certificate != null ? ", certificate=" + certificate : "")
        + ", signatures="
        + (verifiesSignatures() ? accessKeys.size() + " access key(s)" : "off")
        + ", maxRequestBytes="
        + maxRequestBytes
        + ", engine="
        + engine
        + "}";
  }

  /** Builds a {@link ServerConfig}. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private EngineConfig engine = EngineConfig.inMemory();
    private boolean tls;
    private Path certificate;
    private Path privateKey;
    private Path certificateOutput;
    private final Map<String, String> accessKeys = new LinkedHashMap<>();
    private Duration signatureMaxSkew = Duration.ofMinutes(5);
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the address to bind: a literal IP address or host name. Default: 127.0.0.1, so that
     * nothing off this host can reach the server unless asked for (for example {@code 0.0.0.0}).
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host == null");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    /** Sets the port. Default: 4567; range: 0 (any free port) to 65,535. */
    public Builder port(int port) {
      this.port = ConfigChecks.range("port", port, 0, 65_535);
      return this;
    }

    /** Sets the engine the server opens. Default: {@link EngineConfig#inMemory()}. */
    public Builder engine(EngineConfig engine) {
      this.engine = Objects.requireNonNull(engine, "engine == null");
      return this;
    }

    /**
     * Serves HTTPS instead of HTTP, HTTP/2 agreed by ALPN. Without {@link #certificate} the server
     * generates a self-signed certificate for 127.0.0.1 and localhost. Default: off.
     */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** Serves TLS with this certificate chain and PKCS#8 private key, both PEM files. */
    public Builder certificate(Path certificateChain, Path privateKey) {
      this.certificate = Objects.requireNonNull(certificateChain, "certificateChain == null");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey == null");
      this.tls = true;
      return this;
    }

    /**
     * Writes a generated certificate (PEM) to this file, for clients to trust. Default: a file in
     * the temporary directory, named in the log and by {@link KinesisServer#certificateFile()}.
     */
    public Builder certificateOutput(Path file) {
      this.certificateOutput = Objects.requireNonNull(file, "certificateOutput == null");
      return this;
    }

    /**
     * Accepts requests signed (AWS Signature Version 4) with this key pair; calling it at least
     * once turns signature checks on. Default: none, and unsigned or wrongly signed requests are
     * served.
     */
    public Builder accessKey(String accessKeyId, String secretKey) {
      Objects.requireNonNull(accessKeyId, "accessKeyId == null");
      Objects.requireNonNull(secretKey, "secretKey == null");
      if (accessKeyId.isBlank() || secretKey.isEmpty()) {
        throw new IllegalArgumentException("accessKey: the key id and secret must not be empty");
      }
      accessKeys.put(accessKeyId, secretKey);
      return this;
    }

    /**
     * Sets how far a signed request's date may be from the server's clock. Default: 5 minutes, as
     * AWS; range: 1 second to 1 day.
     */
    public Builder signatureMaxSkew(Duration skew) {
      this.signatureMaxSkew =
          ConfigChecks.range("signatureMaxSkew", skew, Duration.ofSeconds(1), Duration.ofDays(1));
      return this;
    }

    /** Sets the largest request body in bytes. Default: 16 MiB; range: 64 KiB to 256 MiB. */
    public Builder maxRequestBytes(int bytes) {
      this.maxRequestBytes =
          ConfigChecks.range("maxRequestBytes", bytes, 64 * 1024, 256 * 1024 * 1024);
      return this;
    }

    /**
     * Sets how long {@link KinesisServer#close()} lets calls in progress finish before it closes
     * their connections. Default: 10 s; range: 0 to 5 minutes.
     */
    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace =
          ConfigChecks.range("shutdownGrace", grace, Duration.ZERO, Duration.ofMinutes(5));
      return this;
    }

    /** Sets the clock signature dates are checked against. Default: the system clock (UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(this);
    }
  }
}
