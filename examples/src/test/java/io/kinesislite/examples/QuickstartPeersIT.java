package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.DynamoDbLocalExtension;
import io.kinesislite.testkit.KinesisMock;
import io.kinesislite.testkit.KinesisMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The quickstart's other targets, short: through {@code serve} over HTTP with the lease table in
 * DynamoDB Local (the lease store a fleet on AWS uses), and against kinesis-mock, a
 * Kinesis-compatible endpoint that is not ours (what {@code --transport} and {@code --aws} reach).
 */
@ExtendWith({KinesisMockExtension.class, DynamoDbLocalExtension.class})
class QuickstartPeersIT {
  @TempDir Path dir;

  @Test
  void throughServeWithTheLeaseTableInDynamoDbNothingIsLost(DynamoDbLocal dynamo) {
    String output =
        run("--serve", "--dynamodb-endpoint", dynamo.endpoint().toString(), "--duration", "8s");

    assertThat(output)
        .contains("on serve at http://127.0.0.1:")
        .contains("the stream has 5 open shards")
        .containsPattern("lost +0\\n");
  }

  @Test
  void againstKinesisMockWithTheLeaseTableInDynamoDbNothingIsLost(
      KinesisMock kinesis, DynamoDbLocal dynamo) {
    String output =
        run(
            "--transport",
            kinesis.httpEndpoint().toString(),
            "--dynamodb-endpoint",
            dynamo.endpoint().toString(),
            "--duration",
            "8s");

    assertThat(output)
        .contains("on " + kinesis.httpEndpoint())
        .contains("the stream has 5 open shards")
        .containsPattern("lost +0\\n");
  }

  private String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--rate";
    all[args.length + 1] = "200";
    all[args.length + 2] = "--data-dir";
    all[args.length + 3] = dir.toString();

    int exit = new CommandLine(new Quickstart(out)).execute(all);

    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(output).isZero();
    return output;
  }
}
