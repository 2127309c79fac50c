package io.kinesislite.engine.internal.http;

import io.kinesislite.transport.internal.DurableFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate the server makes for itself: RSA 2048, valid for a year, for the names clients on
 * this host use (IP address 127.0.0.1 and ::1, DNS name localhost, and the bound host), so that
 * clients that check host names (curl, the KPL, the JDK) accept it once they trust the file.
 */
final class SelfSignedCertificate {
  final X509Certificate certificate;
  final PrivateKey key;

  private SelfSignedCertificate(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  static SelfSignedCertificate generate(String host, Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=kinesis-lite serve");
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(365))),
              subject,
              pair.getPublic());
      GeneralNames names = names(host);
      builder.addExtension(Extension.subjectAlternativeName, false, names);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
      return new SelfSignedCertificate(cert, pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate: " + e, e);
    }
  }

  private static GeneralNames names(String host) {
    java.util.List<GeneralName> names = new java.util.ArrayList<>();
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.iPAddress, "::1"));
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
      boolean ip = host.matches("[0-9.]+") || host.contains(":");
      if (!host.equals("0.0.0.0") && !host.equals("::")) {
        names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
      }
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /** Writes the certificate (not the key) as PEM, atomically, for clients to trust. */
  void writeCertificate(Path file) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(certificate);
    }
    Path absolute = file.toAbsolutePath();
    java.nio.file.Files.createDirectories(absolute.getParent());
    DurableFiles.replace(
        absolute,
        absolute.resolveSibling(absolute.getFileName() + ".tmp"),
        text.toString().getBytes(StandardCharsets.US_ASCII));
  }
}
