package io.kinesislite.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProcessingRegexGroupsTest {
  private static Object[] names(String regex, int flags) {
    return RegexGroups.names(Pattern.compile(regex, flags), "test").toArray();
  }

  private static Object[] names(String regex) {
    return names(regex, 0);
  }

  @Test
  void namedAndUnnamedGroupsAreListedByNumber() {
    assertThat(names("(?<a>x)(y)(?<b>z)")).containsExactly("a", null, "b");
  }

  @Test
  void nonCapturingGroupsLookaroundAndFlagsAreNotGroups() {
    assertThat(names("(?:x)(?=y)(?!z)(?<=w)(?<!v)(?>u)(?i)(?s:t)(?<n>.)")).containsExactly("n");
  }

  @Test
  void escapedParenthesesQuotedTextAndCharacterClassesOpenNoGroup() {
    assertThat(names("\\((?<a>x)\\Q(?<no>)\\E[(][^)(][](]([a-z[(]])")).containsExactly("a", null);
  }

  @Test
  void commentsInCommentsModeOpenNoGroup() {
    assertThat(names("(?<a>x) # (not a group)\n (y)", Pattern.COMMENTS)).containsExactly("a", null);
    assertThat(names("(?x)(?<a>x) # (not a group)\n (y)")).containsExactly("a", null);
  }

  @Test
  void withoutCommentsModeAHashIsText() {
    assertThat(names("#(x)")).containsExactly((Object) null);
  }

  @Test
  void theNumberOfAGroupIsOneMoreThanItsPlace() {
    assertThat(RegexGroups.indexOf(Arrays.asList("a", null, "b"), "b")).isEqualTo(3);
    assertThat(RegexGroups.indexOf(Arrays.asList("a", null, "b"), "c")).isEqualTo(-1);
  }

  @Test
  void aCountThatDisagreesWithThePatternIsReportedNotGuessed() {
    // (?-x) turns comments mode off again; the reader keeps it on and skips the real group.
    Pattern tricky = Pattern.compile("(?x)(?-x)#(y)");
    assertThatThrownBy(() -> RegexGroups.names(tricky, "logToJson"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logToJson")
        .hasMessageContaining("read 0 of 1");
  }
}
