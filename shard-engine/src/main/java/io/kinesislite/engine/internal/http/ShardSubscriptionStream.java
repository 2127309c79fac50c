package io.kinesislite.engine.internal.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kinesislite.transport.ShardEvent;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * Answers SubscribeToShard: an {@code application/vnd.amazon.eventstream} response whose messages
 * are an {@code initial-response}, then one {@code SubscribeToShardEvent} per engine event, each
 * payload in the request's encoding. The engine is asked for the next event only once the previous
 * one is written, so a slow reader holds back the reading, not memory. A failure after the response
 * started is sent as an exception message. Thread-safe.
 */
final class ShardSubscriptionStream implements Flow.Subscriber<ShardEvent> {
  private static final Logger log = LoggerFactory.getLogger(ShardSubscriptionStream.class);
  static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";

  private final ChannelHandlerContext ctx;
  private final Wire wire;
  private final String requestId;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Flow.Subscription subscription;
  private boolean started; // guarded by this

  ShardSubscriptionStream(ChannelHandlerContext ctx, Wire wire, String requestId) {
    this.ctx = ctx;
    this.wire = wire;
    this.requestId = requestId;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    ctx.channel().closeFuture().addListener(f -> cancel());
  }

  /**
   * Starts the response once the engine took the subscription; errors it found at once (no such
   * consumer or shard, a subscription already open) went out before as ordinary error answers.
   */
  void start() {
    synchronized (this) {
      if (ended.get()) {
        return;
      }
      started = true;
    }
    writeHead(true);
  }

  @Override
  public void onNext(ShardEvent event) {
    byte[] payload;
    try {
      payload = payload(event);
    } catch (IOException e) {
      onError(e);
      return;
    }
    writeMessage(event("SubscribeToShardEvent", payload), true);
  }

  @Override
  public void onError(Throwable error) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    ApiException api = ApiException.from(error);
    synchronized (this) {
      if (!started) {
        ApiHandler.sendError(ctx, wire, requestId, api);
        return;
      }
    }
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":message-type", HeaderValue.fromString("exception"));
    headers.put(":exception-type", HeaderValue.fromString(api.code));
    headers.put(":content-type", HeaderValue.fromString(wire.contentType));
    byte[] body;
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = wire.generator(out)) {
        g.writeStartObject();
        g.writeStringField("message", api.getMessage());
        g.writeEndObject();
      }
      body = out.toByteArray();
    } catch (IOException e) {
      body = new byte[] {'{', '}'};
    }
    writeMessage(new Message(headers, body), false);
    finish();
  }

  @Override
  public void onComplete() {
    if (ended.compareAndSet(false, true)) {
      synchronized (this) {
        if (!started) {
          started = true;
          writeHead(false);
        }
      }
      finish();
    }
  }

  private void writeHead(boolean thenRequest) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
        .set("x-amzn-RequestId", requestId)
        .set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    ctx.write(head);
    writeMessage(event("initial-response", new byte[] {'{', '}'}), thenRequest);
  }

  private void finish() {
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
  }

  private void cancel() {
    Flow.Subscription s = subscription;
    if (s != null && ended.compareAndSet(false, true)) {
      s.cancel();
    }
  }

  private void writeMessage(Message message, boolean thenRequest) {
    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(message.toByteBuffer())))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    log.debug("A subscription's reader went away: {}", f.cause().toString());
                    cancel();
                  } else if (thenRequest && !ended.get()) {
                    subscription.request(1);
                  }
                });
  }

  private Message event(String type, byte[] payload) {
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":message-type", HeaderValue.fromString("event"));
    headers.put(":event-type", HeaderValue.fromString(type));
    headers.put(":content-type", HeaderValue.fromString(wire.contentType));
    return new Message(headers, payload);
  }

  private byte[] payload(ShardEvent event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = wire.generator(out)) {
      g.writeStartObject();
      Shapes.records(g, wire, event.records());
      if (event.continuationSequenceNumber().isPresent()) {
        g.writeStringField("ContinuationSequenceNumber", event.continuationSequenceNumber().get());
      }
      g.writeNumberField("MillisBehindLatest", event.millisBehindLatest());
      if (!event.childShards().isEmpty()) {
        Shapes.childShards(g, event.childShards());
      }
      g.writeEndObject();
    }
    return out.toByteArray();
  }
}
