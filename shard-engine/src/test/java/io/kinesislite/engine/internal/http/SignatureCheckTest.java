package io.kinesislite.engine.internal.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SignatureCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final String DATE = "20261203T120000Z";
  private static final SignatureCheck CHECK =
      new SignatureCheck(
          Map.of("AKID", "secret"), Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));
  private static final byte[] BODY = "{\"Limit\":5}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aBodySignedThroughItsDeclaredHashIsAccepted() throws Exception {
    FullHttpRequest request = signedWithDeclaredHash(BODY);
    assertThatCode(() -> CHECK.verify(request, BODY)).doesNotThrowAnyException();
  }

  @Test
  void aBodyThatIsNotTheOneItsDeclaredHashCoversIsAnInvalidSignature() throws Exception {
    byte[] swapped = "{\"Limit\":6}".getBytes(StandardCharsets.UTF_8);
    FullHttpRequest request = signedWithDeclaredHash(BODY);
    assertThatThrownBy(() -> CHECK.verify(request, swapped))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("x-amz-content-sha256")
        .satisfies(
            e ->
                org.assertj.core.api.Assertions.assertThat(((ApiException) e).code)
                    .isEqualTo("InvalidSignatureException"));
  }

  /** A request signed as the AWS SDK signs one that declares its payload hash. */
  private static FullHttpRequest signedWithDeclaredHash(byte[] body) throws Exception {
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    String signedHeaders = "host;x-amz-content-sha256;x-amz-date";
    String canonical =
        "POST\n/\n\nhost:127.0.0.1\nx-amz-content-sha256:"
            + hash
            + "\nx-amz-date:"
            + DATE
            + "\n\n"
            + signedHeaders
            + "\n"
            + hash;
    String scope = "20261203/us-east-1/kinesis/aws4_request";
    String toSign =
        "AWS4-HMAC-SHA256\n"
            + DATE
            + "\n"
            + scope
            + "\n"
            + HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(canonical.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac("AWS4secret".getBytes(StandardCharsets.UTF_8), "20261203");
    for (String part : new String[] {"us-east-1", "kinesis", "aws4_request"}) {
      key = hmac(key, part);
    }
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/", Unpooled.wrappedBuffer(body));
    request
        .headers()
        .set("Host", "127.0.0.1")
        .set("X-Amz-Date", DATE)
        .set("X-Amz-Content-Sha256", hash)
        .set(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/"
                + scope
                + ", SignedHeaders="
                + signedHeaders
                + ", Signature="
                + HexFormat.of().formatHex(hmac(key, toSign)));
    return request;
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
