/**
 * The one way kinesis-lite's producer, consumer and agent reach a stream.
 *
 * <p>{@link io.kinesislite.transport.KinesisTransport} is the contract: asynchronous, thread-safe,
 * free of AWS SDK types, with typed errors that say whether a retry can help (see {@link
 * io.kinesislite.transport.KinesisLiteException}). {@link io.kinesislite.transport.Transports}
 * opens one from a selection string such as {@code aws:us-east-1} or {@code http://127.0.0.1:4567};
 * {@link io.kinesislite.transport.AwsSdkTransport} serves real Kinesis and compatible endpoints,
 * and the shard-engine module serves {@code embedded:}.
 *
 * <p>The package also holds the record format both sides share: {@link
 * io.kinesislite.transport.HashKeys} (partition key to hash key), {@link
 * io.kinesislite.transport.ShardMap} (hash key to shard), and the KPL aggregated-record codec,
 * {@link io.kinesislite.transport.AggregateEncoder} and {@link
 * io.kinesislite.transport.AggregateDecoder}.
 */
package io.kinesislite.transport;
