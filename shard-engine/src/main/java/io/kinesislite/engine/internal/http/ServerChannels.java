package io.kinesislite.engine.internal.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up each accepted connection: TLS with ALPN choosing HTTP/2 or HTTP/1.1 when TLS is on;
 * otherwise HTTP/1.1, HTTP/2 with prior knowledge (h2c, what the AWS SDK sends in plain text) or an
 * h2c upgrade. Every HTTP/2 stream becomes a channel of its own with the same request handler as
 * HTTP/1.1. Connections idle for ten minutes are closed. Thread-safe.
 */
final class ServerChannels extends ChannelInitializer<SocketChannel> {
  private static final Logger log = LoggerFactory.getLogger(ServerChannels.class);
  private static final int IDLE_MINUTES = 10;
  private static final ConnectionErrors CONNECTION_ERRORS = new ConnectionErrors();

  private final SslContext tls; // null: plain text
  private final ApiHandler api;
  private final int maxRequestBytes;
  private final ChannelGroup open;

  ServerChannels(SslContext tls, ApiHandler api, int maxRequestBytes, ChannelGroup open) {
    this.tls = tls;
    this.api = api;
    this.maxRequestBytes = maxRequestBytes;
    this.open = open;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    open.add(ch);
    ChannelPipeline p = ch.pipeline();
    p.addLast("idle", new IdleStateHandler(0, 0, IDLE_MINUTES, TimeUnit.MINUTES));
    p.addLast("idle-close", new IdleClose());
    if (tls != null) {
      p.addLast("tls", tls.newHandler(ch.alloc()));
      p.addLast(
          "alpn",
          new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
              if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ctx.pipeline().addLast(http2());
              } else {
                ctx.pipeline().addLast(new HttpServerCodec());
                addHttp1(ctx.pipeline());
              }
            }
          });
      return;
    }
    HttpServerCodec source = new HttpServerCodec();
    HttpServerUpgradeHandler upgrade =
        new HttpServerUpgradeHandler(
            source,
            protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                    ? new Http2ServerUpgradeCodec(frameCodec(), multiplex())
                    : null,
            maxRequestBytes);
    p.addLast("h2c", new CleartextHttp2ServerUpgradeHandler(source, upgrade, http2()));
    addHttp1(p);
  }

  private void addHttp1(ChannelPipeline p) {
    p.addLast(new HttpServerKeepAliveHandler());
    p.addLast(aggregator());
    p.addLast(api);
  }

  /**
   * Collects a request's body up to {@code maxRequestBytes}. Over it, the request is answered 413
   * with a {@code __type} and {@code message} as every other error is, rather than Netty's bare 413
   * with no body, which clients could only report as an unknown error; the connection is then
   * closed, since the rest of the body would otherwise be read as the next request.
   */
  private HttpObjectAggregator aggregator() {
    return new HttpObjectAggregator(maxRequestBytes) {
      @Override
      protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
          throws Exception {
        if (oversized instanceof HttpRequest request) {
          ApiHandler.rejectOversized(ctx, request, maxRequestBytes);
        } else {
          super.handleOversizedMessage(ctx, oversized);
        }
      }

      @Override
      protected Object newContinueResponse(
          HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        // "Expect: 100-continue" with a length over the limit: the same typed 413, not a bare one.
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof HttpResponse response
            && response.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)
            && start instanceof HttpRequest request) {
          ReferenceCountUtil.release(answer);
          return ApiHandler.oversized(pipeline.channel().alloc(), request, maxContentLength);
        }
        return answer;
      }
    };
  }

  private ChannelInitializer<Channel> http2() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel c) {
        c.pipeline().addLast(frameCodec(), multiplex(), CONNECTION_ERRORS);
      }
    };
  }

  private io.netty.handler.codec.http2.Http2FrameCodec frameCodec() {
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(1_000))
        .build();
  }

  private Http2MultiplexHandler multiplex() {
    return new Http2MultiplexHandler(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel stream) {
            stream
                .pipeline()
                .addLast(new Http2StreamFrameToHttpObjectCodec(true), aggregator(), api);
          }
        });
  }

  /**
   * Ends an HTTP/2 connection's pipeline. The frame codec passes on each connection error (a bad
   * preface or frame, from any client) before it sends GOAWAY and closes the connection itself;
   * other errors (a reset) pass through too. Without this handler each would be logged as a warning
   * with a stack trace, so that anyone could flood the log.
   */
  @io.netty.channel.ChannelHandler.Sharable
  private static final class ConnectionErrors
      extends io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("Closing an HTTP/2 connection after an error: {}", cause.toString());
      if (!(cause instanceof Http2Exception)) {
        ctx.close(); // the codec closes after its GOAWAY; closing first would lose the GOAWAY
      }
    }
  }

  /** Closes a connection that neither read nor wrote for the idle time. */
  private static final class IdleClose extends io.netty.channel.ChannelDuplexHandler {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof IdleStateEvent) {
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, event);
    }
  }
}
