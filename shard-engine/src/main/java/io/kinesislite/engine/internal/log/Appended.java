package io.kinesislite.engine.internal.log;

import java.util.concurrent.CompletableFuture;

/**
 * What {@link ShardLog#append} did: the offset of the first record (the others follow without
 * gaps), and a future that completes when the records are acknowledged under the log's sync policy,
 * at once unless the policy is {@code ALWAYS}. It completes exceptionally with a {@link
 * StorageException} if they cannot be made durable; they are then never readable.
 *
 * @param firstOffset the offset given to the first record
 * @param acknowledged completes when the records may be acknowledged to the writer
 */
public record Appended(long firstOffset, CompletableFuture<Void> acknowledged) {}
