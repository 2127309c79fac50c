package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.StreamContents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input an operator's hosts really produce: binary garbage and bytes that are not UTF-8 (shipped
 * byte for byte), a 5 MiB line (cut to the record limit with the terminator, never dropped, the
 * next line intact), a directory that appears after the agent started, a file deleted while it is
 * read (read to its end through the open file), and a file that grew and was deleted while the
 * agent was stopped (reported as bytes lost).
 */
class AgentBadInputIT {
  @TempDir Path root;

  private static byte[] concat(List<StreamContents.Stored> stored) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    stored.forEach(s -> out.writeBytes(s.bytes()));
    return out.toByteArray();
  }

  @Test
  void binaryGarbageAndInvalidUtf8AreShippedByteForByte() throws IOException {
    try (AgentFixture fx = new AgentFixture(root)) {
      fx.createStream("raw", 1);
      byte[] garbage = new byte[200_000];
      new Random(3).nextBytes(garbage);
      garbage[garbage.length - 1] = '\n';
      byte[] invalidUtf8 = {(byte) 0xc3, (byte) 0x28, (byte) 0xa0, (byte) 0xa1, (byte) 0xff, '\n'};
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.writeBytes(garbage);
      expected.writeBytes(invalidUtf8);
      try (LogAgent agent =
          LogAgent.start(fx.agent(AgentFixture.inOrder(fx.flow("raw", "bin.log"))).build())) {
        Files.write(fx.logs.resolve("bin.log"), expected.toByteArray());
        Eventually.within(
            Duration.ofSeconds(60),
            "every byte in the stream",
            () -> concat(fx.read("raw")).length >= expected.size());
        assertThat(agent.healthProblem()).as("the agent is healthy").isEmpty();
      }
      assertThat(concat(fx.read("raw"))).isEqualTo(expected.toByteArray());
    }
  }

  @Test
  void aFiveMebibyteLineIsCutToTheRecordLimitWithItsTerminatorAndTheNextLineArrives()
      throws IOException {
    try (AgentFixture fx = new AgentFixture(root)) {
      fx.createStream("big", 1);
      FlowConfig flow =
          AgentFixture.inOrder(fx.flow("big", "big.log").truncatedRecordTerminator(" [cut]\n"));
      byte[] line = new byte[5 * 1024 * 1024 + 1];
      Arrays.fill(line, (byte) 'a');
      line[line.length - 1] = '\n';
      try (LogAgent agent = LogAgent.start(fx.agent(flow).build())) {
        Path file = fx.logs.resolve("big.log");
        Files.writeString(file, "before\n");
        Files.write(file, line, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(file, "after\n", java.nio.file.StandardOpenOption.APPEND);
        Eventually.within(
            Duration.ofSeconds(60), "three records", () -> fx.read("big").size() >= 3);
        assertThat(agent.healthProblem()).as("the agent is healthy").isEmpty();
      }
      List<StreamContents.Stored> stored = fx.read("big");
      assertThat(stored).hasSize(3);
      assertThat(stored.get(0).data()).isEqualTo("before\n");
      byte[] cut = stored.get(1).bytes();
      assertThat(cut).hasSize(FlowConfig.DEFAULT_MAX_RECORD_BYTES);
      assertThat(new String(cut, StandardCharsets.UTF_8)).startsWith("aaaa").endsWith("a [cut]\n");
      assertThat(stored.get(2).data()).isEqualTo("after\n");
    }
  }

  @Test
  void aDirectoryThatAppearsLaterAndAFileDeletedWhileReadAreShippedInFull() throws IOException {
    try (AgentFixture fx = new AgentFixture(root)) {
      fx.createStream("late", 1);
      FlowConfig flow = AgentFixture.inOrder(fx.flow("late", "later/**/*.log"));
      try (LogAgent agent = LogAgent.start(fx.agent(flow).build())) {
        Path dir = Files.createDirectories(fx.logs.resolve("later/deep"));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
          lines.append("late line ").append(i).append('\n');
        }
        Path file = dir.resolve("x.log");
        Files.writeString(file, lines);
        Eventually.within(
            Duration.ofSeconds(30),
            "the agent started on the file",
            () -> !fx.read("late").isEmpty());
        Files.delete(file); // the agent keeps reading it through its open channel
        Eventually.within(
            Duration.ofSeconds(60),
            "all 20,000 lines",
            () -> fx.read("late").size() >= 20_000,
            () -> fx.read("late").size() + " so far");
        assertThat(agent.healthProblem()).as("the agent is healthy").isEmpty();
      }
      assertThat(fx.read("late")).hasSize(20_000);
    }
  }

  @Test
  void aFileDeletedWhileTheAgentWasStoppedBehindItIsReportedWithTheBytesLost() throws Exception {
    try (AgentFixture fx = new AgentFixture(root)) {
      fx.createStream("gone", 1); // limits on: 1 MiB/s, so the agent falls behind a big file
      FlowConfig flow = AgentFixture.inOrder(fx.flow("gone", "*.log"));
      Path file = fx.logs.resolve("app.log");
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < 200_000; i++) {
        lines.append(String.format("%099d%n", i));
      }
      Files.writeString(file, lines);
      AgentConfig config =
          fx.agent(flow).maxBufferedBytes(1 << 20).shutdownTimeout(Duration.ZERO).build();
      try (LogAgent agent = LogAgent.start(config)) {
        Eventually.within(
            Duration.ofSeconds(30), "some lines shipped", () -> !fx.read("gone").isEmpty());
        assertThat(agent.healthProblem()).as("the agent is healthy").isEmpty();
      }
      com.fasterxml.jackson.databind.JsonNode saved =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(Files.readAllBytes(fx.state.resolve("state.json")))
              .get("files")
              .get(0);
      long offset = saved.get("offset").asLong();
      long size = saved.get("size").asLong();
      assertThat(offset).as("stopped behind the file's end").isLessThan(size);

      Files.delete(file);
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      try (LogAgent agent = LogAgent.start(config, meters)) {
        Eventually.within(
            Duration.ofSeconds(30),
            "the loss reported",
            () -> meters.get("kinesislite.agent.bytes.lost").counter().count() > 0);
        assertThat(meters.get("kinesislite.agent.bytes.lost").counter().count())
            .as("the bytes after the saved offset of a file of %d bytes", size)
            .isEqualTo((double) (size - offset));
        assertThat(agent.healthProblem()).as("the agent is healthy").isEmpty();
      }
    }
  }
}
