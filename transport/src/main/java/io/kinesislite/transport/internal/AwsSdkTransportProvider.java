package io.kinesislite.transport.internal;

import io.kinesislite.transport.AwsSdkTransport;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.TransportProvider;
import io.kinesislite.transport.TransportSelection;

/** Serves {@code aws:} and {@code http(s)://} selections with {@link AwsSdkTransport}. */
public final class AwsSdkTransportProvider implements TransportProvider {
  @Override
  public boolean supports(TransportSelection selection) {
    return selection.kind() == TransportSelection.Kind.AWS
        || selection.kind() == TransportSelection.Kind.ENDPOINT;
  }

  @Override
  public KinesisTransport open(TransportConfig config) {
    return AwsSdkTransport.create(config);
  }
}
