/**
 * Small runnable programs to copy from, each started with {@code examples/run NAME} after {@code
 * mvn -B -ntp -q -pl examples -am package -DskipTests}, on the embedded engine by default and
 * against real AWS with {@code --aws REGION}; and {@link io.kinesislite.examples.Quickstart}, the
 * whole pipeline the repository's {@code ./quickstart} runs.
 */
package io.kinesislite.examples;
