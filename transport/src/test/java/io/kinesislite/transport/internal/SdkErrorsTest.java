package io.kinesislite.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.AccessDeniedException;
import io.kinesislite.transport.ExpiredIteratorException;
import io.kinesislite.transport.FatalException;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.ResourceInUseException;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.ServiceFailureException;
import io.kinesislite.transport.ThrottledException;
import io.kinesislite.transport.TransportIoException;
import io.kinesislite.transport.TransportTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

class SdkErrorsTest {

  @ParameterizedTest
  @CsvSource({
    "ProvisionedThroughputExceededException, 400, ThrottledException, true",
    "LimitExceededException, 400, ThrottledException, true",
    "ResourceNotFoundException, 400, ResourceNotFoundException, false",
    "ResourceInUseException, 400, ResourceInUseException, true",
    "InvalidArgumentException, 400, InvalidArgumentException, false",
    "ValidationException, 400, InvalidArgumentException, false",
    "ExpiredIteratorException, 400, ExpiredIteratorException, false",
    "AccessDeniedException, 400, AccessDeniedException, false",
    "UnrecognizedClientException, 400, AccessDeniedException, false",
    "InvalidSignatureException, 403, AccessDeniedException, false",
    "InternalFailure, 500, ServiceFailureException, true",
    "KMSDisabledException, 400, FatalException, false"
  })
  void serviceErrorCodesBecomeTypedExceptions(
      String code, int status, String type, boolean retriable) {
    KinesisLiteException e = SdkErrors.translate(serviceError(code, status), "PutRecord s");
    assertThat(e.getClass().getSimpleName()).isEqualTo(type);
    assertThat(e.isRetriable()).isEqualTo(retriable);
    assertThat(e.errorCode()).contains(code);
    assertThat(e).hasMessageContaining("PutRecord s").hasMessageContaining(code);
  }

  @Test
  void anUnknownCodeWithAServerStatusIsAServiceFailure() {
    assertThat(SdkErrors.translate(serviceError("Boom", 503), "x"))
        .isInstanceOf(ServiceFailureException.class);
  }

  @Test
  void timeoutsBecomeTransportTimeouts() {
    KinesisLiteException e =
        SdkErrors.translate(
            new CompletionException(ApiCallTimeoutException.create(3000)), "DescribeStream s");
    assertThat(e).isInstanceOf(TransportTimeoutException.class);
    assertThat(e.isRetriable()).isTrue();
  }

  @Test
  void connectionFailuresBecomeIoErrors() {
    SdkClientException refused =
        SdkClientException.create(
            "Unable to execute HTTP request: Connection refused",
            new ConnectException("Connection refused"));
    assertThat(SdkErrors.translate(refused, "x")).isInstanceOf(TransportIoException.class);
    assertThat(SdkErrors.isConnectionFailure(refused)).isTrue();
    SdkClientException closed =
        SdkClientException.create(
            "Unable to execute HTTP request: The channel was closed before the protocol could be"
                + " determined.");
    assertThat(SdkErrors.translate(closed, "x")).isInstanceOf(TransportIoException.class);
    assertThat(SdkErrors.translate(new IOException("reset"), "x"))
        .isInstanceOf(TransportIoException.class);
  }

  @Test
  void clientErrorsThatAreNotAboutTheConnectionAreFatal() {
    SdkClientException unmarshall = SdkClientException.create("Unable to unmarshall response");
    assertThat(SdkErrors.translate(unmarshall, "x")).isInstanceOf(FatalException.class);
    assertThat(SdkErrors.isConnectionFailure(unmarshall)).isFalse();
  }

  @Test
  void serviceAnswersAreNeverConnectionFailures() {
    assertThat(
            SdkErrors.isConnectionFailure(
                serviceError("ProvisionedThroughputExceededException", 400)))
        .isFalse();
    assertThat(SdkErrors.isConnectionFailure(serviceError("InternalFailure", 500))).isFalse();
  }

  @Test
  void ourOwnExceptionsPassThrough() {
    InvalidArgumentException mine = new InvalidArgumentException("bad");
    assertThat(SdkErrors.translate(new CompletionException(mine), "x")).isSameAs(mine);
  }

  @Test
  void typesCoverEveryBranch() {
    // Guards the mapping table above against classes being renamed away.
    assertThat(
            java.util.List.of(
                ThrottledException.class,
                ResourceNotFoundException.class,
                ResourceInUseException.class,
                ExpiredIteratorException.class,
                AccessDeniedException.class))
        .allMatch(KinesisLiteException.class::isAssignableFrom);
  }

  private static KinesisException serviceError(String code, int status) {
    return (KinesisException)
        KinesisException.builder()
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage("the message").build())
            .statusCode(status)
            .message(code)
            .build();
  }
}
