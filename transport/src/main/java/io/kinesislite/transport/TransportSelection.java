package io.kinesislite.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which stream service a transport reaches, parsed from the one selection string that code, command
 * line flags and configuration files all use. Immutable.
 *
 * <table>
 *   <caption>Selection strings</caption>
 *   <tr><th>string</th><th>meaning</th></tr>
 *   <tr><td>{@code embedded:}</td><td>the bundled engine, in memory</td></tr>
 *   <tr><td>{@code embedded:/var/lib/kinesis-lite}</td><td>the bundled engine, durable in that
 *       directory</td></tr>
 *   <tr><td>{@code aws:} or {@code aws:us-east-1}</td><td>real Kinesis, in the default or the given
 *       region</td></tr>
 *   <tr><td>{@code http://127.0.0.1:4567}, {@code https://…}</td><td>any Kinesis-compatible
 *       endpoint</td></tr>
 * </table>
 *
 * <pre>{@code
 * TransportSelection selection = TransportSelection.parse("aws:eu-west-1");
 * selection.kind();   // AWS
 * selection.region(); // Optional[eu-west-1]
 * }</pre>
 */
public final class TransportSelection {
  /** The kinds of service a selection names. */
  public enum Kind {
    /** The bundled shard-engine, in this process. */
    EMBEDDED,
    /** Amazon Kinesis, at the region's standard endpoint. */
    AWS,
    /** A Kinesis-compatible service at an explicit http or https URI. */
    ENDPOINT
  }

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
  private static final String FORMS =
      "expected embedded:, embedded:DIR, aws:, aws:REGION, http://HOST:PORT or https://HOST:PORT";

  private final String text;
  private final Kind kind;
  private final Path directory;
  private final String region;
  private final URI endpoint;

  private TransportSelection(String text, Kind kind, Path directory, String region, URI endpoint) {
    this.text = text;
    this.kind = kind;
    this.directory = directory;
    this.region = region;
    this.endpoint = endpoint;
  }

  /**
   * Parses a selection string.
   *
   * @throws IllegalArgumentException naming the string and the accepted forms, if it is none of
   *     them
   */
  public static TransportSelection parse(String selection) {
    Objects.requireNonNull(selection, "selection == null");
    String text = selection.trim();
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("embedded:")) {
      String dir = text.substring("embedded:".length());
      return new TransportSelection(
          text, Kind.EMBEDDED, dir.isEmpty() ? null : Path.of(dir), null, null);
    }
    if (lower.startsWith("aws:")) {
      String region = text.substring("aws:".length());
      if (!region.isEmpty() && !REGION.matcher(region).matches()) {
        throw invalid(selection, "'" + region + "' is not an AWS region name like us-east-1");
      }
      return new TransportSelection(text, Kind.AWS, null, region.isEmpty() ? null : region, null);
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new TransportSelection(text, Kind.ENDPOINT, null, null, parseEndpoint(selection));
    }
    throw invalid(selection, FORMS);
  }

  private static URI parseEndpoint(String selection) {
    URI uri;
    try {
      uri = new URI(selection.trim());
    } catch (URISyntaxException e) {
      throw invalid(selection, e.getMessage());
    }
    if (uri.getHost() == null) {
      throw invalid(selection, "the endpoint has no host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid(selection, "the endpoint may not have a query or fragment");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw invalid(selection, "the endpoint may not have a path");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return URI.create(scheme + "://" + hostForUri(uri.getHost()) + ":" + port);
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static IllegalArgumentException invalid(String selection, String why) {
    return new IllegalArgumentException(
        "transport selection '" + selection + "' is not valid: " + why);
  }

  public Kind kind() {
    return kind;
  }

  /** Returns the data directory of a durable embedded selection; empty for in-memory. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /** Returns the region of an {@code aws:REGION} selection. */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /** Returns the endpoint of an http or https selection, always with an explicit port. */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** Returns true for an https endpoint or real AWS, that is, when the connection uses TLS. */
  public boolean usesTls() {
    return kind == Kind.AWS || (endpoint != null && endpoint.getScheme().equals("https"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransportSelection that
        && kind == that.kind
        && Objects.equals(directory, that.directory)
        && Objects.equals(region, that.region)
        && Objects.equals(endpoint, that.endpoint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, directory, region, endpoint);
  }

  /** Returns the selection string as given. */
  @Override
  public String toString() {
    return text;
  }
}
