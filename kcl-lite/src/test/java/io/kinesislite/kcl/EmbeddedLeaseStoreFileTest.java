package io.kinesislite.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.transport.FatalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lease-store contract with the table in a file, and what only the file-backed store does. */
class EmbeddedLeaseStoreFileTest extends LeaseStoreContract {
  /** The contract's table; the tests below use their own so as not to meet its lock. */
  private static final String CONTRACT_TABLE = "contract";

  private static final String TABLE = "orders-app";

  @TempDir Path dir;

  @Override
  protected LeaseStore openStore() {
    return EmbeddedLeaseStore.inDirectory(dir, CONTRACT_TABLE);
  }

  private Path tableFile() {
    return dir.resolve("leases").resolve(TABLE + ".json");
  }

  private Path tempFile() {
    return dir.resolve("leases").resolve(TABLE + ".json.tmp");
  }

  @Test
  void leasesSurviveClosingAndReopeningTheStore() {
    Lease checkpointed;
    try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      leases.ensureTable();
      leases.createIfAbsent(fullLease(SHARD));
      leases.createIfAbsent(newLease("shardId-000000000008"));
      Lease taken = leases.take(leases.get(SHARD).orElseThrow(), "worker-1");
      checkpointed =
          leases.prepareCheckpoint(
              leases.checkpoint(taken, Checkpoint.at(SEQ_1, 7)), Checkpoint.at(SEQ_2, 0));
    }
    Lease held = checkpointed;

    try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      leases.ensureTable();
      assertThat(leases.list()).containsExactlyInAnyOrder(held, newLease("shardId-000000000008"));
      assertThat(leases.renew(held).counter()).isEqualTo(held.counter() + 1);
      assertThatThrownBy(() -> leases.renew(held)).isInstanceOf(LeaseLostException.class);
    }
  }

  @Test
  void ensureTableWritesTheFileWithTheKclAttributeNames() throws IOException {
    try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      assertThat(tableFile()).doesNotExist();
      leases.ensureTable();
      assertThat(tableFile()).isRegularFile();

      leases.createIfAbsent(fullLease(SHARD));
    }

    String json = Files.readString(tableFile());
    assertThat(json)
        .contains(
            "\"leaseKey\"",
            "\"leaseOwner\"",
            "\"leaseCounter\" : 42",
            "\"checkpointSubSequenceNumber\" : 3",
            "\"pendingCheckpoint\"",
            "\"parentShardId\"",
            "\"childShardIds\"",
            "\"startingHashKey\"",
            "\"endingHashKey\"",
            "\"checkpointOwner\"");
  }

  @Test
  void aLeftoverTempFileFromACrashIsIgnored() throws IOException {
    try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      leases.createIfAbsent(newLease(SHARD));
    }
    Files.writeString(tempFile(), "{\"formatVersion\": 1, \"leases\": [{\"leaseK");

    try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      assertThat(leases.list()).containsExactly(newLease(SHARD));
      leases.createIfAbsent(newLease("shardId-000000000008"));
    }

    assertThat(tempFile()).doesNotExist();
    try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      assertThat(leases.list()).hasSize(2);
    }
  }

  @Test
  void aCrashBeforeTheFirstRenameLeavesAnEmptyTable() throws IOException {
    Files.createDirectories(tempFile().getParent());
    Files.writeString(tempFile(), "{\"formatVersion\": 1, \"lea");

    try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      leases.ensureTable();
      assertThat(leases.list()).isEmpty();
    }
  }

  @Test
  void aCorruptFileFailsToOpenWithAnErrorNamingTheFile() throws IOException {
    Files.createDirectories(tableFile().getParent());
    Files.writeString(tableFile(), "{\"formatVersion\": 1, \"leases\": [", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, TABLE))
        .isInstanceOf(FatalException.class)
        .hasMessageContaining(tableFile().toString())
        .hasMessageContaining("corrupt");

    // the failed open released its lock: once the file is fixed, the table opens
    Files.writeString(tableFile(), "{\"formatVersion\": 1, \"leases\": []}");
    try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      assertThat(leases.list()).isEmpty();
    }
  }

  @Test
  void anEmptyFileFailsToOpenWithAnErrorNamingTheFile() throws IOException {
    Files.createDirectories(tableFile().getParent());
    Files.writeString(tableFile(), "");

    assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, TABLE))
        .isInstanceOf(FatalException.class)
        .hasMessageContaining(tableFile().toString());
  }

  @Test
  void anInvalidLeaseInTheFileFailsToOpenWithAnErrorNamingFileAndField() throws IOException {
    Files.createDirectories(tableFile().getParent());
    Files.writeString(
        tableFile(),
        "{\"formatVersion\": 1, \"leases\": [{\"leaseKey\": \"shardId-000000000007\","
            + " \"leaseCounter\": 3, \"checkpoint\": \"soon\"}]}");

    assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, TABLE))
        .isInstanceOf(FatalException.class)
        .hasMessageContaining(tableFile().toString())
        .hasMessageContaining("sequenceNumber");

    Files.writeString(
        tableFile(),
        "{\"formatVersion\": 1, \"leases\": [{\"leaseKey\": \"shardId-000000000007\","
            + " \"checkpoint\": \"LATEST\"}]}");

    assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, TABLE))
        .isInstanceOf(FatalException.class)
        .hasMessageContaining(tableFile().toString())
        .hasMessageContaining("leaseCounter");
  }

  @Test
  void aFileOfAnotherFormatVersionFailsToOpen() throws IOException {
    Files.createDirectories(tableFile().getParent());
    Files.writeString(tableFile(), "{\"formatVersion\": 2, \"leases\": []}");

    assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, TABLE))
        .isInstanceOf(FatalException.class)
        .hasMessageContaining(tableFile().toString())
        .hasMessageContaining("formatVersion");
  }

  @Test
  void aFailedWriteThrowsARetriableErrorAndChangesNothing() throws IOException {
    try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      leases.createIfAbsent(newLease(SHARD));
      Lease before = leases.get(SHARD).orElseThrow();
      Files.createDirectory(tempFile()); // the temporary file cannot be written now

      assertThatThrownBy(() -> leases.take(before, "worker-1"))
          .isInstanceOf(LeaseStoreException.class)
          .hasMessageContaining(tableFile().toString());
      assertThatThrownBy(() -> leases.createIfAbsent(newLease("shardId-000000000008")))
          .isInstanceOf(LeaseStoreException.class);
      assertThatThrownBy(() -> leases.delete(SHARD)).isInstanceOf(LeaseStoreException.class);

      assertThat(leases.list()).containsExactly(before);
      Files.delete(tempFile());
      assertThat(leases.take(before, "worker-1").owner()).contains("worker-1");
    }
  }

  @Test
  void aTableIsOpenInOneStoreAtATime() {
    try (LeaseStore first = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      first.ensureTable();
      assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, TABLE))
          .isInstanceOf(FatalException.class)
          .hasMessageContaining(TABLE);
    }
    try (LeaseStore second = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      assertThat(second.list()).isEmpty();
    }
  }

  @Test
  void tablesInOneDirectoryAreSeparate() {
    try (LeaseStore orders = EmbeddedLeaseStore.inDirectory(dir, TABLE);
        LeaseStore billing = EmbeddedLeaseStore.inDirectory(dir, "billing-app")) {
      orders.createIfAbsent(newLease(SHARD));
      billing.createIfAbsent(newLease("shardId-000000000008"));

      assertThat(orders.list()).containsExactly(newLease(SHARD));
      assertThat(billing.list()).containsExactly(newLease("shardId-000000000008"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "orders app", "orders/app", "../orders", "orders:app", "ördérs"})
  void aTableNameOutsideDynamoDbsRuleIsRefusedNamingTheField(String tableName) {
    assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, tableName))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tableName");
  }

  @Test
  void aTableNameLongerThanItsFileNamesCanBeIsRefusedNamingTheField() {
    // DynamoDB allows 255 characters, but "<tableName>.json.tmp" must fit a 255-byte file name.
    for (String name : List.of("a".repeat(247), "a".repeat(255), "a".repeat(256))) {
      assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tableName");
    }
  }

  @Test
  void aTableNameOfDynamoDbsCharactersIsAccepted() {
    String longest = "a".repeat(246);
    for (String name : List.of("A", "My_App-1.0", longest)) {
      try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, name)) {
        assertThat(leases.createIfAbsent(newLease(SHARD))).isTrue();
      }
    }
    assertThat(Set.of("A.json", "My_App-1.0.json", longest + ".json"))
        .allSatisfy(f -> assertThat(dir.resolve("leases").resolve(f)).isRegularFile());
  }
}
