package io.kinesislite.engine;

import io.kinesislite.engine.internal.http.HttpFrontEnd;
import io.kinesislite.transport.TransportConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard engine served as a Kinesis-compatible endpoint ({@code serve}): the Kinesis API in JSON
 * 1.1 and CBOR over HTTP/1.1 and HTTP/2 (h2c, or ALPN over TLS), SubscribeToShard as an event
 * stream, optional SigV4 checks, and {@code GET /health} and {@code GET /ready}. Any AWS SDK, the
 * KCL and the KPL reach it as they would reach Kinesis.
 *
 * <pre>{@code
 * try (KinesisServer server = KinesisServer.start(ServerConfig.builder().port(4567).build())) {
 *   // clients use server.endpoint(), e.g. http://127.0.0.1:4567
 *   server.awaitClose();
 * }
 * }</pre>
 *
 * <p>Thread-safe. Its threads are named {@code kinesis-lite-serve-*} (plus the engine's); {@link
 * #close()} stops them: it stops accepting, lets calls in progress finish for the configured grace,
 * closes the connections and, if it opened the engine, closes the engine so that a durable one is
 * synced.
 */
public final class KinesisServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KinesisServer.class);

  private final ServerConfig config;
  private final ShardEngine engine;
  private final boolean ownsEngine;
  private final EmbeddedTransport transport;
  private final HttpFrontEnd http;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);

  private KinesisServer(ServerConfig config, ShardEngine engine, boolean ownsEngine) {
    this.config = config;
    this.engine = engine;
    this.ownsEngine = ownsEngine;
    // The engine judges record sizes itself, so that a too-large entry of a put-many fails alone.
    this.transport =
        EmbeddedTransport.over(
            engine,
            TransportConfig.builder().maxRecordSize(EngineConfig.MAX_RECORD_SIZE_LIMIT).build());
    try {
      this.http =
          HttpFrontEnd.start(config, transport, engine.config().shardLimit(), () -> !closing.get());
    } catch (RuntimeException e) {
      transport.close();
      if (ownsEngine) {
        engine.close();
      }
      throw e;
    }
    log.info(
        "Serving Kinesis on {} ({}){}",
        endpoint(),
        engine.config().directory().map(d -> "durable in " + d).orElse("in memory"),
        certificateFile().map(c -> "; clients trust the certificate " + c).orElse(""));
  }

  /**
   * Opens the engine {@code config} describes and serves it.
   *
   * @throws IllegalArgumentException if the port cannot be bound or TLS cannot be set up
   */
  public static KinesisServer start(ServerConfig config) {
    Objects.requireNonNull(config, "config == null");
    ShardEngine engine = ShardEngine.open(config.engine());
    try {
      return new KinesisServer(config, engine, true);
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  /**
   * Serves an engine the caller opened and keeps; {@code config.engine()} is ignored and closing
   * the server leaves the engine open.
   */
  public static KinesisServer serve(ShardEngine engine, ServerConfig config) {
    return new KinesisServer(
        Objects.requireNonNull(config, "config == null"),
        Objects.requireNonNull(engine, "engine == null"),
        false);
  }

  /** The address clients use: {@code http://HOST:PORT} or {@code https://HOST:PORT}. */
  public URI endpoint() {
    String host = config.host();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((config.tls() ? "https://" : "http://") + host + ":" + port());
  }

  public int port() {
    return http.port();
  }

  /** The certificate (PEM) clients should trust, when TLS is on. */
  public Optional<Path> certificateFile() {
    return http.certificateFile();
  }

  public ShardEngine engine() {
    return engine;
  }

  public ServerConfig config() {
    return config;
  }

  /** True until {@link #close()} starts; what {@code GET /ready} answers. */
  public boolean isReady() {
    return !closing.get();
  }

  /** Blocks until the server is closed, for example by a shutdown hook on SIGTERM. */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitQuietly();
      return;
    }
    try {
      http.stopAccepting();
      long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
      while (http.inProgress() > 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        try {
          TimeUnit.MILLISECONDS.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      http.close();
      transport.close();
      if (ownsEngine) {
        engine.close();
      }
      log.info("Stopped serving on {}", endpoint());
    } finally {
      closed.countDown();
    }
  }

  private void awaitQuietly() {
    try {
      closed.await(
          config.shutdownGrace().plus(Duration.ofSeconds(15)).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
