package io.kinesislite.testkit;

import java.io.IOException;
import org.opentest4j.TestAbortedException;

/**
 * Main class of the child JVM that {@link KinesisMockExitsWithItsJvmIT} kills: starts a
 * kinesis-mock, prints {@code PID <node pid>} on stdout and blocks until its stdin ends (so it also
 * goes away if the test JVM dies). If the mock is unavailable outside CI mode it prints {@code
 * UNAVAILABLE <reason>} and exits with 2; any other failure goes to stderr with exit code 1.
 */
final class KinesisMockChildJvm {
  static final String PID = "PID ";
  static final String UNAVAILABLE = "UNAVAILABLE ";

  private KinesisMockChildJvm() {}

  public static void main(String[] args) throws IOException {
    KinesisMock mock;
    try {
      mock = KinesisMock.start();
    } catch (TestAbortedException e) {
      System.out.println(UNAVAILABLE + e.getMessage().replace('\n', ' ').replace('\r', ' '));
      System.out.flush();
      System.exit(2);
      return;
    }
    System.out.println(PID + mock.pid());
    System.out.flush();
    while (System.in.read() != -1) {
      // Nothing is ever written; end of file means the test JVM closed the pipe or died.
    }
    mock.close();
  }
}
