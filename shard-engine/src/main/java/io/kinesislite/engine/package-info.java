/**
 * The bundled engine with Kinesis semantics, {@link io.kinesislite.engine.ShardEngine}, and its
 * in-process transport, {@link io.kinesislite.engine.EmbeddedTransport}, which serves the {@code
 * embedded:} and {@code embedded:DIR} selections.
 */
package io.kinesislite.engine;
