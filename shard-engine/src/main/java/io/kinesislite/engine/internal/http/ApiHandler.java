package io.kinesislite.engine.internal.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.StartingPosition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the Kinesis API on one channel, HTTP/1.1 or an HTTP/2 stream: checks the signature when
 * asked, picks the operation from {@code X-Amz-Target}, parses the JSON or CBOR body, calls the
 * engine and writes its answer, or the error Kinesis would send. Also serves {@code GET /health}
 * and {@code GET /ready}. Shared by every channel; thread-safe.
 */
@ChannelHandler.Sharable
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  private static final String TARGET_PREFIX = "Kinesis_20131202.";

  private final KinesisTransport engine;
  private final SignatureCheck signatures; // null: not checked
  private final BooleanSupplier ready;
  private final Map<String, Function<ApiRequest, CompletableFuture<Reply>>> operations =
      new HashMap<>();
  private final AtomicInteger inProgress = new AtomicInteger();

  ApiHandler(
      KinesisTransport engine, int shardLimit, SignatureCheck signatures, BooleanSupplier ready) {
    this.engine = engine;
    this.signatures = signatures;
    this.ready = ready;
    StreamOperations streams = new StreamOperations(engine, shardLimit);
    RecordOperations records = new RecordOperations(engine);
    operations.put("CreateStream", streams::createStream);
    operations.put("DeleteStream", streams::deleteStream);
    operations.put("DescribeStream", streams::describeStream);
    operations.put("DescribeStreamSummary", streams::describeStreamSummary);
    operations.put("ListStreams", streams::listStreams);
    operations.put("ListShards", streams::listShards);
    operations.put("SplitShard", streams::splitShard);
    operations.put("MergeShards", streams::mergeShards);
    operations.put("UpdateShardCount", streams::updateShardCount);
    operations.put("IncreaseStreamRetentionPeriod", streams::increaseRetention);
    operations.put("DecreaseStreamRetentionPeriod", streams::decreaseRetention);
    operations.put("DescribeLimits", streams::describeLimits);
    operations.put("PutRecord", records::putRecord);
    operations.put("PutRecords", records::putRecords);
    operations.put("GetShardIterator", records::getShardIterator);
    operations.put("GetRecords", records::getRecords);
    operations.put("RegisterStreamConsumer", records::registerConsumer);
    operations.put("DescribeStreamConsumer", records::describeConsumer);
    operations.put("DeregisterStreamConsumer", records::deregisterConsumer);
    operations.put("ListStreamConsumers", records::listConsumers);
  }

  /** How many calls have started and not yet been answered. */
  int inProgress() {
    return inProgress.get();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String requestId = UUID.randomUUID().toString();
    if (!request.decoderResult().isSuccess()) {
      rejectUndecodable(ctx, request, requestId);
      return;
    }
    if (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD)) {
      probe(ctx, request);
      return;
    }
    Wire wire = Wire.of(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
    byte[] body = ByteBufUtil.getBytes(request.content());
    inProgress.incrementAndGet();
    CompletableFuture<Reply> answer;
    try {
      if (signatures != null) {
        signatures.verify(request, body);
      }
      String target = request.headers().get("X-Amz-Target", "");
      if (!target.startsWith(TARGET_PREFIX)) {
        throw new ApiException(400, "UnknownOperationException", "Unknown operation: " + target);
      }
      String operation = target.substring(TARGET_PREFIX.length());
      JsonNode tree;
      try {
        tree = wire.read(body);
      } catch (IOException e) {
        throw ApiException.serialization("The request body is not valid " + wire + ".");
      }
      if (!tree.isObject()) {
        throw ApiException.serialization("The request body must be a structure.");
      }
      ApiRequest call = new ApiRequest(operation, tree, wire);
      if (operation.equals("SubscribeToShard")) {
        subscribe(ctx, call, requestId);
        return;
      }
      Function<ApiRequest, CompletableFuture<Reply>> op = operations.get(operation);
      if (op == null) {
        throw new ApiException(400, "UnknownOperationException", "Unknown operation: " + operation);
      }
      answer = op.apply(call);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (reply, error) -> {
          inProgress.decrementAndGet();
          if (error != null) {
            ApiException api = ApiException.from(error);
            if (api.status >= 500) {
              log.warn("A call failed inside the server", error);
            }
            sendError(ctx, wire, requestId, api);
          } else {
            send(ctx, wire, requestId, reply);
          }
        });
  }

  private void subscribe(ChannelHandlerContext ctx, ApiRequest call, String requestId) {
    try {
      String[] names = Arns.consumer(call.required("ConsumerARN"));
      String shard = call.required("ShardId");
      JsonNode start = call.body.get("StartingPosition");
      if (start == null || !start.isObject()) {
        throw ApiRequest.missing("StartingPosition");
      }
      JsonNode type = start.get("Type");
      if (type == null || !type.isTextual()) {
        throw ApiRequest.missing("StartingPosition.Type");
      }
      StartingPosition position =
          RecordOperations.position(
              call, start, type.asText(), "SequenceNumber", "Timestamp", "startingPosition.type");
      ShardSubscriptionStream stream = new ShardSubscriptionStream(ctx, call.wire, requestId);
      engine.subscribeToShard(names[0], names[1], shard, position).subscribe(stream);
      stream.start();
    } catch (RuntimeException e) {
      sendError(ctx, call.wire, requestId, ApiException.from(e));
    } finally {
      inProgress.decrementAndGet();
    }
  }

  /**
   * Answers a request Netty could not decode (a bad request line, header, length or chunk) with 400
   * and closes the connection: what was read of it must not be served, and the decoder ignores
   * everything after it, so the connection could never answer again.
   */
  private static void rejectUndecodable(
      ChannelHandlerContext ctx, FullHttpRequest request, String requestId) {
    Throwable cause = request.decoderResult().cause();
    log.debug("Rejecting a request that is not valid HTTP: {}", String.valueOf(cause));
    ApiException e =
        ApiException.serialization(
            "The request is not valid HTTP: "
                + (cause != null && cause.getMessage() != null ? cause.getMessage() : "malformed"));
    sendError(ctx, Wire.JSON, requestId, e, true);
  }

  /**
   * Answers a request whose body is over {@code maxRequestBytes} with {@link #oversized} and closes
   * the connection. Over a TCP connection it closes in two steps, as web servers do: first its own
   * side, then, after {@link #LINGER_MILLIS} (or when the client closes), the whole connection. The
   * client may still be sending the body; closing at once with unread bytes resets the connection,
   * and the client can lose the 413 it was sent. The rest of the body is read and dropped.
   */
  static void rejectOversized(ChannelHandlerContext ctx, HttpRequest request, int maxRequestBytes) {
    io.netty.channel.Channel channel = ctx.channel();
    // Written past the keep-alive handler, which would close the whole connection at once on
    // seeing "Connection: close"; over HTTP/2 there is none, and the stream is closed.
    ChannelHandlerContext keepAlive =
        ctx.pipeline().context(io.netty.handler.codec.http.HttpServerKeepAliveHandler.class);
    (keepAlive != null ? keepAlive : ctx)
        .writeAndFlush(oversized(ctx.alloc(), request, maxRequestBytes))
        .addListener(
            sent -> {
              if (channel instanceof io.netty.channel.socket.DuplexChannel duplex
                  && sent.isSuccess()) {
                duplex.shutdownOutput();
                channel
                    .eventLoop()
                    .schedule(
                        () -> channel.close(),
                        LINGER_MILLIS,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
              } else {
                channel.close();
              }
            });
  }

  /** How long an oversized request's connection is read (and dropped) after its 413 was sent. */
  static final long LINGER_MILLIS = 2_000;

  /**
   * The answer to a request whose body is over {@code maxRequestBytes}: 413 with a {@code
   * ValidationException} in the request's wire format, and {@code Connection: close}.
   */
  static FullHttpResponse oversized(
      ByteBufAllocator alloc, HttpRequest request, int maxRequestBytes) {
    Wire wire = Wire.of(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
    ApiException e =
        new ApiException(
            413,
            "ValidationException",
            "The request body is larger than this server accepts (maxRequestBytes "
                + maxRequestBytes
                + " bytes).");
    FullHttpResponse response =
        response(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            wire,
            UUID.randomUUID().toString(),
            errorBody(alloc, wire, e),
            e.code);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  private void probe(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = request.uri();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    HttpResponseStatus status;
    String text;
    switch (path) {
      case "/health", "/healthz", "/health/live" -> {
        status = HttpResponseStatus.OK;
        text = "{\"status\":\"UP\"}";
      }
      case "/ready", "/readyz", "/health/ready" -> {
        boolean up = ready.getAsBoolean();
        status = up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
        text = up ? "{\"status\":\"READY\"}" : "{\"status\":\"NOT_READY\"}";
      }
      default -> {
        status = HttpResponseStatus.NOT_FOUND;
        text = "{\"__type\":\"UnknownOperationException\",\"message\":\"GET " + path + "\"}";
      }
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            request.method().equals(HttpMethod.HEAD)
                ? ctx.alloc().buffer(0)
                : ctx.alloc().buffer(bytes.length).writeBytes(bytes));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    ctx.writeAndFlush(response);
  }

  private static void send(ChannelHandlerContext ctx, Wire wire, String requestId, Reply reply) {
    ByteBuf buffer = ctx.alloc().buffer();
    try (JsonGenerator g = wire.generator(new ByteBufOutputStream(buffer))) {
      g.writeStartObject();
      reply.write(g, wire);
      g.writeEndObject();
    } catch (IOException | RuntimeException e) {
      buffer.release();
      log.warn("Writing an answer failed", e);
      sendError(ctx, wire, requestId, ApiException.from(e));
      return;
    }
    write(ctx, HttpResponseStatus.OK, wire, requestId, buffer, null, false);
  }

  static void sendError(ChannelHandlerContext ctx, Wire wire, String requestId, ApiException e) {
    sendError(ctx, wire, requestId, e, false);
  }

  /** Answers {@code e}; with {@code close}, says so and closes the connection once it is sent. */
  private static void sendError(
      ChannelHandlerContext ctx, Wire wire, String requestId, ApiException e, boolean close) {
    ByteBuf buffer = errorBody(ctx.alloc(), wire, e);
    write(ctx, HttpResponseStatus.valueOf(e.status), wire, requestId, buffer, e.code, close);
  }

  private static ByteBuf errorBody(ByteBufAllocator alloc, Wire wire, ApiException e) {
    ByteBuf buffer = alloc.buffer();
    try (JsonGenerator g = wire.generator(new ByteBufOutputStream(buffer))) {
      g.writeStartObject();
      g.writeStringField("__type", e.code);
      g.writeStringField("message", e.getMessage());
      g.writeEndObject();
    } catch (IOException io) {
      buffer.release();
      throw new IllegalStateException("cannot encode an error answer", io);
    }
    return buffer;
  }

  private static void write(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      Wire wire,
      String requestId,
      ByteBuf body,
      String errorType,
      boolean close) {
    FullHttpResponse response = response(status, wire, requestId, body, errorType);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }

  private static FullHttpResponse response(
      HttpResponseStatus status, Wire wire, String requestId, ByteBuf body, String errorType) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, wire.contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set("x-amzn-RequestId", requestId);
    if (errorType != null) {
      response.headers().set("x-amzn-ErrorType", errorType);
    }
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("Closing a connection after an error: {}", cause.toString());
    ctx.close();
  }
}
