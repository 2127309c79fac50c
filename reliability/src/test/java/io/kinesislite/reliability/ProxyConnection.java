package io.kinesislite.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kinesislite.reliability.FaultPlan.Fault;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One client connection through a {@link FaultProxy}: reads each call, asks the proxy which fault
 * it gets, and answers an error itself, closes the connection, or forwards the call over this
 * connection's own connection to serve (opened at the first forwarded call) and passes the answer
 * back, dropped or delayed as decided.
 *
 * <p>It reads the next call only once the last one is answered, which is how the AWS SDK uses an
 * HTTP/1.1 connection anyway (one call at a time, no pipelining); so at most one call is in flight
 * and its fault is a field. Closing either side closes the other.
 *
 * <p>Not thread-safe, and need not be: every method runs on the client connection's event loop,
 * which the connection to serve shares.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final int MAX_BODY_BYTES = 64 << 20;

  /**
   * Calls Kinesis throttles with ProvisionedThroughputExceededException; it throttles the others
   * (ListShards, DescribeStreamSummary, ...) with LimitExceededException.
   */
  private static final Set<String> DATA_CALLS =
      Set.of("PutRecord", "PutRecords", "GetRecords", "GetShardIterator");

  private final FaultProxy proxy;
  private Channel client;
  private ChannelFuture upstream;
  private boolean inFlight;
  private Fault inFlightFault;

  ProxyConnection(FaultProxy proxy) {
    this.proxy = proxy;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = ctx.channel();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (inFlight) {
      // A pipelined call: the SDK never sends one, and answering it in order is not worth it here.
      request.release();
      client.close();
      return;
    }
    String operation = operation(request);
    Fault fault = proxy.decide(operation);
    if (fault == Fault.THROTTLE) {
      String code =
          DATA_CALLS.contains(operation)
              ? "ProvisionedThroughputExceededException"
              : "LimitExceededException";
      answerError(
          request, HttpResponseStatus.BAD_REQUEST, code, "Rate exceeded " + FaultProxy.MARK);
    } else if (fault == Fault.INTERNAL_ERROR) {
      answerError(
          request,
          HttpResponseStatus.INTERNAL_SERVER_ERROR,
          "InternalFailure",
          "Internal service failure " + FaultProxy.MARK);
    } else if (fault == Fault.DROP_BEFORE) {
      request.release();
      client.close();
    } else {
      forward(request, fault);
    }
  }

  private static String operation(FullHttpRequest request) {
    String target = request.headers().get("X-Amz-Target");
    if (target == null) {
      return request.method() + " " + request.uri();
    }
    int dot = target.lastIndexOf('.');
    return dot < 0 ? target : target.substring(dot + 1);
  }

  private void answerError(
      FullHttpRequest request, HttpResponseStatus status, String code, String message) {
    String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    boolean cbor = contentType.toLowerCase().contains("cbor");
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    request.release();
    ObjectMapper mapper = cbor ? CBOR : JSON;
    ObjectNode body = mapper.createObjectNode().put("__type", code).put("message", message);
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode an error answer", e);
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response
        .headers()
        .set(
            HttpHeaderNames.CONTENT_TYPE,
            cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set("x-amzn-RequestId", UUID.randomUUID().toString())
        .set("x-amzn-ErrorType", code);
    ChannelFuture written = client.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void forward(FullHttpRequest request, Fault fault) {
    inFlight = true;
    inFlightFault = fault;
    client.config().setAutoRead(false); // the next call is read once this one is answered
    if (upstream == null) {
      upstream =
          new Bootstrap()
              .group(client.eventLoop())
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpClientCodec())
                          .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                          .addLast(new Answers());
                    }
                  })
              .connect(proxy.upstream());
      proxy.track(upstream.channel());
    }
    upstream.addListener(
        (ChannelFuture connected) -> {
          if (!connected.isSuccess()) {
            request.release();
            client.close();
            return;
          }
          connected
              .channel()
              .writeAndFlush(request)
              .addListener(
                  (ChannelFuture sent) -> {
                    if (!sent.isSuccess()) {
                      client.close();
                    }
                  });
        });
  }

  /** Serve's answer to the call in flight. */
  private void answered(FullHttpResponse response) {
    if (!inFlight) {
      response.release(); // an answer to nothing: serve closes connections this way on shutdown
      return;
    }
    Fault fault = inFlightFault;
    if (fault == Fault.DROP_AFTER) {
      response.release();
      client.close();
    } else if (fault == Fault.DELAY) {
      long millis = proxy.plan().nextDelay().toMillis();
      client.eventLoop().schedule(() -> pass(response), millis, TimeUnit.MILLISECONDS);
    } else {
      pass(response);
    }
  }

  private void pass(FullHttpResponse response) {
    if (!client.isActive()) {
      response.release();
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(response);
    client
        .writeAndFlush(response)
        .addListener(
            (ChannelFuture sent) -> {
              if (!sent.isSuccess() || !keepAlive) {
                client.close();
                return;
              }
              inFlight = false;
              inFlightFault = null;
              client.config().setAutoRead(true); // reads the next call
            });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.channel().close();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // the client sees a dropped connection, as it would from a failing peer
  }

  /** The handler of the connection to serve: passes answers back, and its closing on. */
  private final class Answers extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpResponse response) {
        answered(response);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      client.close();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
