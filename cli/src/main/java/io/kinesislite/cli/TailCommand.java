package io.kinesislite.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.kinesislite.transport.AggregateDecoder;
import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.UserRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinesis-lite tail}: reads every shard of a stream (children after their parents, when
 * following a reshard), deaggregates KPL records, and prints one line per user record: its data
 * (raw) or a JSON object with its keys and sequence numbers. Without {@code --follow} it stops once
 * every shard is read to its tip.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = "Prints a stream's records to stdout, deaggregated, from any position.",
    footer = {
      "",
      "Examples:",
      "  kinesis-lite tail orders --from trim-horizon",
      "  kinesis-lite tail orders --follow --format json",
      "  kinesis-lite tail orders --from at-timestamp:2026-12-01T10:00:00Z --limit 100",
      "  kinesis-lite tail orders --shard shardId-000000000001 --from after-sequence:4959…"
    })
public final class TailCommand implements Callable<Integer> {
  private static final long IDLE_POLL_MILLIS = 200;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin TransportOptions transport;

  @Parameters(paramLabel = "STREAM")
  String stream;

  @Option(
      names = "--from",
      defaultValue = "trim-horizon",
      description =
          "trim-horizon, latest, at-timestamp:ISO-8601, at-sequence:N or after-sequence:N"
              + " (default: ${DEFAULT-VALUE}).")
  String from;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep reading new records until interrupted.")
  boolean follow;

  @Option(names = "--shard", description = "Read only this shard.")
  String shard;

  @Option(
      names = "--format",
      defaultValue = "raw",
      description = "raw (the data as a line) or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--limit", description = "Stop after this many user records.")
  Long limit;

  private long printed;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (!format.equals("raw") && !format.equals("json")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--format must be raw or json, got '" + format + "'");
    }
    StartingPosition position = position();
    PrintWriter out = spec.commandLine().getOut();
    try (KinesisTransport kinesis = transport.open()) {
      List<Shard> shards = kinesis.listShards(stream).join();
      Map<String, Shard> byId = new LinkedHashMap<>();
      shards.forEach(s -> byId.put(s.shardId(), s));
      Set<String> ended = new HashSet<>();
      Deque<String[]> active = new ArrayDeque<>(); // {shardId, iterator}
      Set<String> started = new HashSet<>();
      for (Shard s : shards) {
        if (shard != null ? s.shardId().equals(shard) : isRoot(s, byId)) {
          start(kinesis, s.shardId(), position, active, started);
        }
      }
      if (shard != null && started.isEmpty()) {
        throw new IllegalStateException("stream " + stream + " has no shard " + shard);
      }
      while (!active.isEmpty() && (limit == null || printed < limit)) {
        boolean anyRecords = false;
        int round = active.size();
        boolean allAtTip = true;
        for (int i = 0; i < round && (limit == null || printed < limit); i++) {
          String[] cursor = active.pollFirst();
          GetRecordsResult result = kinesis.getRecords(cursor[1], 10_000).join();
          for (StreamRecord r : result.records()) {
            print(out, cursor[0], r);
            anyRecords = true;
          }
          if (result.nextShardIterator().isEmpty()) {
            ended.add(cursor[0]);
            if (shard == null) {
              for (ChildShard child : result.childShards()) {
                if (ended.containsAll(child.parentShards())) {
                  start(kinesis, child.shardId(), StartingPosition.trimHorizon(), active, started);
                }
              }
            }
            continue;
          }
          if (!result.records().isEmpty() || result.millisBehindLatest() > 0) {
            allAtTip = false;
          }
          cursor[1] = result.nextShardIterator().get();
          active.addLast(cursor);
        }
        out.flush();
        if (!follow && allAtTip && !anyRecords) {
          break;
        }
        if (!anyRecords) {
          TimeUnit.MILLISECONDS.sleep(IDLE_POLL_MILLIS);
        }
      }
    }
    out.flush();
    return 0;
  }

  private static boolean isRoot(Shard s, Map<String, Shard> all) {
    // A shard whose parents are still listed is read once they end; others start now.
    return s.parentShardId().map(p -> !all.containsKey(p)).orElse(true)
        && s.adjacentParentShardId().map(p -> !all.containsKey(p)).orElse(true);
  }

  private void start(
      KinesisTransport kinesis,
      String shardId,
      StartingPosition position,
      Deque<String[]> active,
      Set<String> started) {
    if (started.add(shardId)) {
      active.addLast(
          new String[] {shardId, kinesis.getShardIterator(stream, shardId, position).join()});
    }
  }

  private StartingPosition position() {
    String f = from.toLowerCase(java.util.Locale.ROOT);
    try {
      if (f.equals("trim-horizon")) {
        return StartingPosition.trimHorizon();
      } else if (f.equals("latest")) {
        return StartingPosition.latest();
      } else if (f.startsWith("at-timestamp:")) {
        return StartingPosition.atTimestamp(
            Instant.parse(from.substring("at-timestamp:".length())));
      } else if (f.startsWith("at-sequence:")) {
        return StartingPosition.atSequenceNumber(from.substring("at-sequence:".length()));
      } else if (f.startsWith("after-sequence:")) {
        return StartingPosition.afterSequenceNumber(from.substring("after-sequence:".length()));
      }
    } catch (java.time.format.DateTimeParseException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--from at-timestamp: needs an ISO-8601 instant, got '" + from + "'");
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "--from must be trim-horizon, latest, at-timestamp:ISO, at-sequence:N or after-sequence:N,"
            + " got '"
            + from
            + "'");
  }

  private void print(PrintWriter out, String shardId, StreamRecord r) throws IOException {
    List<UserRecord> users =
        AggregateDecoder.isAggregated(r.data()) ? AggregateDecoder.decode(r.data()) : null;
    if (users == null) {
      emit(
          out,
          shardId,
          r,
          r.partitionKey(),
          r.explicitHashKey().orElse(null),
          0,
          bytes(r.data()),
          false);
      return;
    }
    for (UserRecord u : users) {
      emit(
          out,
          shardId,
          r,
          u.partitionKey(),
          u.explicitHashKey().orElse(null),
          u.subSequenceNumber(),
          u.dataBytes(),
          true);
    }
  }

  private void emit(
      PrintWriter out,
      String shardId,
      StreamRecord r,
      String key,
      String hashKey,
      long subSequence,
      byte[] data,
      boolean aggregated)
      throws IOException {
    if (limit != null && printed >= limit) {
      return;
    }
    printed++;
    String text = utf8(data);
    if (format.equals("raw")) {
      out.println(text != null ? text : Base64.getEncoder().encodeToString(data));
      return;
    }
    java.io.StringWriter line = new java.io.StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(line)) {
      g.writeStartObject();
      g.writeStringField("shardId", shardId);
      g.writeStringField("sequenceNumber", r.sequenceNumber());
      g.writeNumberField("subSequenceNumber", subSequence);
      g.writeBooleanField("aggregated", aggregated);
      g.writeStringField("partitionKey", key);
      if (hashKey != null) {
        g.writeStringField("explicitHashKey", hashKey);
      }
      g.writeStringField("arrival", r.arrivalTime().toString());
      if (text != null) {
        g.writeStringField("data", text);
      } else {
        g.writeStringField("dataBase64", Base64.getEncoder().encodeToString(data));
      }
      g.writeEndObject();
    }
    out.println(line);
  }

  private static byte[] bytes(ByteBuffer data) {
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return copy;
  }

  private static String utf8(byte[] data) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
