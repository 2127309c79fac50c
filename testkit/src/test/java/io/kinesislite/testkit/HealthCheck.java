package io.kinesislite.testkit;

import io.kinesislite.testkit.internal.HttpProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code GET /healthcheck} over http or https (trusting any certificate, as kinesis-mock's
 * self-signed one without a SAN needs), on its own connection with {@code Connection: close}: a
 * pooled keep-alive connection would hold kinesis-mock's SIGTERM shutdown for up to 30 s.
 */
final class HealthCheck {
  record Response(int status, Instant date) {}

  private HealthCheck() {}

  static Response get(URI endpoint, Duration timeout) throws IOException {
    int millis = (int) timeout.toMillis();
    try (Socket socket = connect(endpoint, millis)) {
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /healthcheck HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String statusLine = in.readLine();
      if (statusLine == null) {
        throw new IOException("No status line from " + endpoint);
      }
      Instant date = null;
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        if (line.toLowerCase(Locale.ROOT).startsWith("date:")) {
          date = HttpProbe.parseDate(line.substring(5).trim()).orElseThrow();
        }
      }
      return new Response(Integer.parseInt(statusLine.split(" ")[1]), date);
    }
  }

  private static Socket connect(URI endpoint, int millis) throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), millis);
    if (!endpoint.getScheme().equals("https")) {
      return plain;
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAll()}, null);
      SSLSocket tls =
          (SSLSocket)
              context
                  .getSocketFactory()
                  .createSocket(plain, endpoint.getHost(), endpoint.getPort(), true);
      tls.setSoTimeout(millis);
      tls.startHandshake();
      return tls;
    } catch (GeneralSecurityException e) {
      plain.close();
      throw new IOException(e);
    }
  }

  // Extended, so that the JDK does not add a host name check on top.
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
