/**
 * Implementation details of the log agent: the configuration file readers and the settings report.
 * No compatibility promise; do not use from outside kinesis-lite.
 */
package io.kinesislite.agent.internal;
