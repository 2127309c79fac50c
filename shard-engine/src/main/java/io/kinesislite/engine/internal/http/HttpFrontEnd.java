package io.kinesislite.engine.internal.http;

import io.kinesislite.engine.ServerConfig;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.internal.NamedThreadFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code serve}: a Netty server on one port with two named thread groups, {@code
 * kinesis-lite-serve-accept-*} and {@code kinesis-lite-serve-io-*}, both stopped by {@link #close}.
 * Thread-safe.
 */
public final class HttpFrontEnd implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpFrontEnd.class);

  private final EventLoopGroup accept;
  private final EventLoopGroup io;
  private final NamedThreadFactory acceptThreads =
      new NamedThreadFactory("kinesis-lite-serve-accept");
  private final NamedThreadFactory ioThreads = new NamedThreadFactory("kinesis-lite-serve-io");
  private final ChannelGroup open =
      new DefaultChannelGroup("kinesis-lite-serve", GlobalEventExecutor.INSTANCE);
  private final ApiHandler api;
  private final Channel listening;
  private final Path certificateFile;

  private HttpFrontEnd(
      ServerConfig config, KinesisTransport engine, int shardLimit, BooleanSupplier ready) {
    SignatureCheck signatures =
        config.verifiesSignatures()
            ? new SignatureCheck(config.accessKeys(), config.signatureMaxSkew(), config.clock())
            : null;
    this.api = new ApiHandler(engine, shardLimit, signatures, ready);
    SslContext tls = null;
    Path written = null;
    if (config.tls()) {
      if (config.certificate().isPresent()) {
        tls =
            sslContext(
                SslContextBuilder.forServer(
                    config.certificate().get().toFile(), config.privateKey().get().toFile()));
        written = config.certificate().get();
      } else {
        SelfSignedCertificate generated =
            SelfSignedCertificate.generate(config.host(), config.clock().instant());
        written = config.certificateOutput().orElseGet(HttpFrontEnd::temporaryCertificateFile);
        try {
          generated.writeCertificate(written);
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "certificateOutput: cannot write the certificate to " + written + ": " + e, e);
        }
        tls = sslContext(SslContextBuilder.forServer(generated.key, generated.certificate));
      }
    }
    this.certificateFile = written;
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.accept = new NioEventLoopGroup(1, acceptThreads);
    this.io = new NioEventLoopGroup(threads, ioThreads);
    try {
      this.listening =
          new ServerBootstrap()
              .group(accept, io)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new ServerChannels(tls, api, config.maxRequestBytes(), open))
              .bind(new InetSocketAddress(config.host(), config.port()))
              .syncUninterruptibly()
              .channel();
    } catch (Exception e) { // Netty rethrows the checked BindException undeclared
      shutdownGroups();
      throw new IllegalArgumentException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
  }

  /** Starts serving; the caller closes it. */
  public static HttpFrontEnd start(
      ServerConfig config, KinesisTransport engine, int shardLimit, BooleanSupplier ready) {
    return new HttpFrontEnd(config, engine, shardLimit, ready);
  }

  private static SslContext sslContext(SslContextBuilder builder) {
    try {
      return builder
          .sslProvider(SslProvider.JDK)
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_2,
                  ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("certificate: cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static Path temporaryCertificateFile() {
    try {
      Path dir = Files.createTempDirectory("kinesis-lite-serve");
      return dir.resolve("certificate.pem");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary directory: " + e, e);
    }
  }

  /** The port listened on (the one chosen when port 0 was asked for). */
  public int port() {
    return ((InetSocketAddress) listening.localAddress()).getPort();
  }

  /** The certificate clients should trust, when TLS is on. */
  public Optional<Path> certificateFile() {
    return Optional.ofNullable(certificateFile);
  }

  /** How many calls are being answered right now. */
  public int inProgress() {
    return api.inProgress();
  }

  /** Stops taking new connections; open ones go on. */
  public void stopAccepting() {
    listening.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    stopAccepting();
    open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdownGroups();
  }

  private void shutdownGroups() {
    accept.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    io.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    try {
      accept.terminationFuture().await(5, TimeUnit.SECONDS);
      io.terminationFuture().await(5, TimeUnit.SECONDS);
      acceptThreads.awaitThreads(2, TimeUnit.SECONDS);
      ioThreads.awaitThreads(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.debug("Interrupted while stopping the server's threads");
    }
  }
}
