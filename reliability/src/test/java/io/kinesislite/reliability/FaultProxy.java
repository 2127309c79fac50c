package io.kinesislite.reliability;

import io.kinesislite.reliability.FaultPlan.Fault;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP/1.1 proxy on loopback in front of a Kinesis endpoint ({@code serve}) that injects faults
 * into a fraction of the calls, as a {@link FaultPlan} decides: it answers a throttling error or an
 * internal error itself, drops the connection before or after serve acted on the call, or holds
 * serve's answer back for a latency spike. Every other call is forwarded untouched, each client
 * connection over its own connection to serve.
 *
 * <p>Error answers are what Kinesis (and serve) send: the status, {@code x-amzn-ErrorType}, and a
 * body {@code {"__type": ..., "message": ...}} in the request's encoding (CBOR or JSON 1.1), so
 * that the AWS SDK parses them as it parses real ones. The operation of a call is the suffix of its
 * {@code X-Amz-Target} header ({@code Kinesis_20131202.PutRecords}); injected error messages end in
 * {@link #MARK}, so that a client-side record of an error tells an injected one from serve's own.
 *
 * <p>Only for plain-text HTTP/1.1: the AWS SDK transport uses it for every call but {@code
 * SubscribeToShard} (HTTP/2), which this proxy does not carry. It counts calls per operation and
 * faults per kind and operation. Its threads are {@code fault-proxy-*}; {@link #close()} closes
 * every connection and stops them. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {
  /** The end of every error message the proxy makes up. */
  public static final String MARK = "(injected by FaultProxy)";

  private static final int MAX_BODY_BYTES = 64 << 20;

  private final FaultPlan plan;
  private final InetSocketAddress upstream;
  private final EventLoopGroup group;
  private final ChannelGroup connections = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
  private final Channel listener;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> faults = new ConcurrentHashMap<>();

  private FaultProxy(URI upstream, FaultPlan plan) {
    this.plan = plan;
    this.upstream =
        new InetSocketAddress(upstream.getHost(), upstream.getPort() < 0 ? 80 : upstream.getPort());
    this.group = new NioEventLoopGroup(2, new DefaultThreadFactory("fault-proxy", true));
    try {
      this.listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      connections.add(ch);
                      ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                          .addLast(new ProxyConnection(FaultProxy.this));
                    }
                  })
              .bind("127.0.0.1", 0)
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      throw e;
    }
  }

  /**
   * Starts a proxy on a free loopback port in front of {@code upstream} ({@code http://HOST:PORT}).
   */
  public static FaultProxy start(URI upstream, FaultPlan plan) {
    if (!"http".equals(upstream.getScheme())) {
      throw new IllegalArgumentException("FaultProxy forwards plain http only: " + upstream);
    }
    return new FaultProxy(upstream, plan);
  }

  /** The proxy's endpoint, {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create(
        "http://127.0.0.1:" + ((InetSocketAddress) listener.localAddress()).getPort());
  }

  /** Faults injected of one kind, on every operation. */
  public long injected(Fault fault) {
    long n = 0;
    for (Map.Entry<String, LongAdder> e : faults.entrySet()) {
      if (e.getKey().endsWith(" " + fault.name())) {
        n += e.getValue().sum();
      }
    }
    return n;
  }

  /** Faults injected of one kind into calls of one operation. */
  public long injected(String operation, Fault fault) {
    LongAdder n = faults.get(operation + " " + fault.name());
    return n == null ? 0 : n.sum();
  }

  /** Faults injected in all. */
  public long injectedTotal() {
    return faults.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Calls received, by operation, in name order. */
  public Map<String, Long> callsByOperation() {
    Map<String, Long> out = new TreeMap<>();
    calls.forEach((op, n) -> out.put(op, n.sum()));
    return out;
  }

  /** Stops accepting, closes every connection, and stops the proxy's threads. */
  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    connections.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  InetSocketAddress upstream() {
    return upstream;
  }

  void track(Channel upstreamChannel) {
    connections.add(upstreamChannel);
  }

  /** Counts a call of {@code operation} and decides its fault (null: none). */
  Fault decide(String operation) {
    calls.computeIfAbsent(operation, k -> new LongAdder()).increment();
    Fault fault = plan.next(operation);
    if (fault != null) {
      faults.computeIfAbsent(operation + " " + fault.name(), k -> new LongAdder()).increment();
    }
    return fault;
  }

  FaultPlan plan() {
    return plan;
  }
}
