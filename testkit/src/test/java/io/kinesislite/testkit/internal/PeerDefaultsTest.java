package io.kinesislite.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PeerDefaultsTest {
  private static final UnaryOperator<String> UNSET = name -> null;

  private static UnaryOperator<String> only(String name, String value) {
    return Map.of(name, value)::get;
  }

  private static boolean ciModeWithEnv(String ci) {
    return PeerDefaults.ciMode(UNSET, only("CI", ci));
  }

  private static boolean ciModeWithProperty(String property, String ci) {
    return PeerDefaults.ciMode(
        only("kinesislite.ci", property), ci == null ? UNSET : only("CI", ci));
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", "True", "1", "yes", "YES", " true "})
  void ciVariableTurnsCiModeOn(String value) {
    assertThat(ciModeWithEnv(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "0", "no", "", " ", "on", "y", "truthy"})
  void otherCiVariableValuesLeaveCiModeOff(String value) {
    assertThat(ciModeWithEnv(value)).isFalse();
  }

  @Test
  void ciModeIsOffWhenNothingIsSet() {
    assertThat(PeerDefaults.ciMode(UNSET, UNSET)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "true, false",
    "TRUE, ",
    "1, no",
    "yes, 0",
  })
  void propertyTurnsCiModeOnWhateverTheEnvironmentSays(String property, String ci) {
    assertThat(ciModeWithProperty(property, ci)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "false, true",
    "FALSE, 1",
    "0, yes",
    "no, true",
  })
  void propertyTurnsCiModeOffWhateverTheEnvironmentSays(String property, String ci) {
    assertThat(ciModeWithProperty(property, ci)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void blankPropertyCountsAsUnset(String property) {
    assertThat(ciModeWithProperty(property, "true")).isTrue();
    assertThat(ciModeWithProperty(property, "false")).isFalse();
  }

  @Test
  void misspelledPropertyIsRejectedWithItsValue() {
    assertThatThrownBy(() -> ciModeWithProperty("ture", "true"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("System property kinesislite.ci must be true or false, not 'ture'.");
  }
}
