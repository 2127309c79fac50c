/**
 * Implementation details of the transport module: SDK client construction and error translation,
 * argument checks, polling. No compatibility promise; do not use from outside kinesis-lite.
 */
package io.kinesislite.transport.internal;
