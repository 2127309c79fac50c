package io.kinesislite.cli;

import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StreamDescription;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinesis-lite streams}: create, list, describe, delete, split, merge, scale and change the
 * retention of streams.
 */
@Command(
    name = "streams",
    mixinStandardHelpOptions = true,
    description = "Creates, lists, describes, reshards and deletes streams.",
    footer = {
      "",
      "Examples:",
      "  kinesis-lite streams create orders --shards 4 --wait",
      "  kinesis-lite streams describe orders",
      "  kinesis-lite streams split orders shardId-000000000000",
      "  kinesis-lite streams scale orders --shards 8 --wait",
      "  kinesis-lite streams retention orders --hours 48"
    },
    subcommands = {
      StreamsCommand.Create.class,
      StreamsCommand.ListStreams.class,
      StreamsCommand.Describe.class,
      StreamsCommand.Delete.class,
      StreamsCommand.Split.class,
      StreamsCommand.Merge.class,
      StreamsCommand.Scale.class,
      StreamsCommand.Retention.class
    })
public final class StreamsCommand implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final Duration POLL = Duration.ofMillis(200);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /** The part every subcommand shares: the transport and the output. */
  abstract static class StreamCall implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin TransportOptions transport;

    @Override
    public final Integer call() {
      try (KinesisTransport kinesis = transport.open()) {
        run(kinesis, spec.commandLine().getOut());
      }
      spec.commandLine().getOut().flush();
      return 0;
    }

    abstract void run(KinesisTransport kinesis, PrintWriter out);

    void checkRange(String option, int value, int min, int max) {
      if (value < min || value > max) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            option + " must be between " + min + " and " + max + ", got " + value);
      }
    }
  }

  /** A subcommand that changes a stream, and can wait until it is ACTIVE again. */
  abstract static class ChangingCall extends StreamCall {
    @Option(names = "--wait", description = "Wait until the stream is ACTIVE again.")
    boolean await;

    void awaitActive(KinesisTransport kinesis, String stream) {
      if (await) {
        kinesis.awaitStreamActive(stream, WAIT).join();
      }
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a stream.")
  static final class Create extends ChangingCall {
    @Parameters(paramLabel = "STREAM")
    String stream;

    @Option(names = "--shards", description = "Provisioned shard count, 1 to 100,000.")
    Integer shards;

    @Option(names = "--on-demand", description = "An on-demand stream instead.")
    boolean onDemand;

    @Override
    void run(KinesisTransport kinesis, PrintWriter out) {
      if (onDemand == (shards != null)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "give exactly one of --shards N or --on-demand");
      }
      if (!onDemand) {
        checkRange("--shards", shards, 1, 100_000);
      }
      (onDemand ? kinesis.createOnDemandStream(stream) : kinesis.createStream(stream, shards))
          .join();
      awaitActive(kinesis, stream);
      out.println(
          "created " + stream + (onDemand ? " (on demand)" : " with " + shards + " shards"));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the streams.")
  static final class ListStreams extends StreamCall {
    @Override
    void run(KinesisTransport kinesis, PrintWriter out) {
      kinesis.listStreams().join().forEach(out::println);
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Shows a stream's status, mode, retention and shards.")
  static final class Describe extends StreamCall {
    @Parameters(paramLabel = "STREAM")
    String stream;

    @Override
    void run(KinesisTransport kinesis, PrintWriter out) {
      StreamDescription d = kinesis.describeStream(stream).join();
      List<Shard> shards = kinesis.listShards(stream).join();
      out.println("stream     " + d.name());
      out.println("arn        " + d.arn());
      out.println("status     " + d.status());
      out.println("mode       " + d.mode());
      out.println("retention  " + d.retention().toHours() + " h");
      out.println("created    " + d.createdAt());
      out.println("open       " + d.openShardCount() + " of " + shards.size() + " shards");
      out.println("consumers  " + d.consumerCount());
      for (Shard s : shards) {
        out.printf(
            "  %s %-6s %s..%s%s%n",
            s.shardId(),
            s.isOpen() ? "open" : "closed",
            s.hashKeyRange().start(),
            s.hashKeyRange().end(),
            s.parentShardId().map(p -> " parent " + p).orElse("")
                + s.adjacentParentShardId().map(p -> " + " + p).orElse(""));
      }
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a stream.")
  static final class Delete extends StreamCall {
    @Parameters(paramLabel = "STREAM")
    String stream;

    @Option(
        names = "--enforce-consumer-deletion",
        description = "Delete even if fan-out consumers are registered.")
    boolean enforce;

    @Option(names = "--wait", description = "Wait until the stream is gone.")
    boolean await;

    @Override
    void run(KinesisTransport kinesis, PrintWriter out) {
      kinesis.deleteStream(stream, enforce).join();
      if (await) {
        awaitGone(kinesis);
      }
      out.println("deleted " + stream);
    }

    private void awaitGone(KinesisTransport kinesis) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        try {
          kinesis.describeStream(stream).join();
        } catch (java.util.concurrent.CompletionException e) {
          if (e.getCause() instanceof io.kinesislite.transport.ResourceNotFoundException) {
            return;
          }
          throw e;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              stream + " was still there " + WAIT.toSeconds() + " s after it was deleted");
        }
        java.util.concurrent.locks.LockSupport.parkNanos(POLL.toNanos());
      }
    }
  }

  @Command(
      name = "split",
      mixinStandardHelpOptions = true,
      description = "Splits an open shard in two (by default at the middle of its range).")
  static final class Split extends ChangingCall {
    @Parameters(index = "0", paramLabel = "STREAM")
    String stream;

    @Parameters(index = "1", paramLabel = "SHARD")
    String shard;

    @Option(names = "--at", paramLabel = "HASHKEY", description = "The new child's first hash key.")
    BigInteger at;

    @Override
    void run(KinesisTransport kinesis, PrintWriter out) {
      BigInteger key = at;
      if (key == null) {
        Shard s =
            kinesis.listShards(stream).join().stream()
                .filter(x -> x.shardId().equals(shard))
                .findFirst()
                .orElseThrow(
                    () -> new IllegalStateException("stream " + stream + " has no shard " + shard));
        key =
            s.hashKeyRange().start().add(s.hashKeyRange().end()).add(BigInteger.ONE).shiftRight(1);
      }
      kinesis.splitShard(stream, shard, key).join();
      awaitActive(kinesis, stream);
      out.println("split " + shard + " of " + stream + " at " + key);
    }
  }

  @Command(
      name = "merge",
      mixinStandardHelpOptions = true,
      description = "Merges two adjacent shards.")
  static final class Merge extends ChangingCall {
    @Parameters(index = "0", paramLabel = "STREAM")
    String stream;

    @Parameters(index = "1", paramLabel = "SHARD")
    String shard;

    @Parameters(index = "2", paramLabel = "ADJACENT")
    String adjacent;

    @Override
    void run(KinesisTransport kinesis, PrintWriter out) {
      kinesis.mergeShards(stream, shard, adjacent).join();
      awaitActive(kinesis, stream);
      out.println("merged " + shard + " and " + adjacent + " of " + stream);
    }
  }

  @Command(
      name = "scale",
      mixinStandardHelpOptions = true,
      description = "Reshards a stream uniformly to a shard count.")
  static final class Scale extends ChangingCall {
    @Parameters(paramLabel = "STREAM")
    String stream;

    @Option(names = "--shards", required = true, description = "Target open shard count.")
    int shards;

    @Override
    void run(KinesisTransport kinesis, PrintWriter out) {
      checkRange("--shards", shards, 1, 100_000);
      kinesis.updateShardCount(stream, shards).join();
      awaitActive(kinesis, stream);
      out.println("scaling " + stream + " to " + shards + " shards");
    }
  }

  @Command(
      name = "retention",
      mixinStandardHelpOptions = true,
      description = "Sets how long a stream keeps records (24 to 8,760 hours).")
  static final class Retention extends ChangingCall {
    @Parameters(paramLabel = "STREAM")
    String stream;

    @Option(names = "--hours", required = true, description = "Retention in hours, 24 to 8760.")
    int hours;

    @Override
    void run(KinesisTransport kinesis, PrintWriter out) {
      checkRange("--hours", hours, 24, 8_760);
      Duration now = kinesis.describeStream(stream).join().retention();
      Duration wanted = Duration.ofHours(hours);
      if (wanted.compareTo(now) > 0) {
        kinesis.increaseRetention(stream, wanted).join();
      } else if (wanted.compareTo(now) < 0) {
        kinesis.decreaseRetention(stream, wanted).join();
      }
      awaitActive(kinesis, stream);
      out.println("retention of " + stream + " is " + hours + " h");
    }
  }
}
