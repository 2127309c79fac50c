package io.kinesislite.agent.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The names of a pattern's capturing groups, which Java 17's {@link Pattern} does not tell (its
 * {@code namedGroups()} is public only from Java 20). Read from the pattern's text: a {@code (}
 * that is not escaped, not inside {@code \Q…\E}, a character class or (in comments mode) a comment
 * opens a capturing group unless {@code ?} follows it, and {@code (?<name>} opens a named one.
 *
 * <p>Stateless; thread-safe.
 */
final class RegexGroups {
  private RegexGroups() {}

  /**
   * The name of each capturing group, by group number less one; null for a group without a name.
   *
   * @throws IllegalArgumentException naming {@code what} if the groups read from the text are not
   *     as many as the pattern has (a syntax this reader does not know)
   */
  static List<String> names(Pattern pattern, String what) {
    String re = pattern.pattern();
    boolean comments = (pattern.flags() & Pattern.COMMENTS) != 0;
    List<String> names = new ArrayList<>();
    int classDepth = 0;
    int n = re.length();
    for (int i = 0; i < n; i++) {
      char c = re.charAt(i);
      if (c == '\\') {
        if (i + 1 < n && re.charAt(i + 1) == 'Q') {
          int e = re.indexOf("\\E", i + 2);
          i = e < 0 ? n : e + 1;
        } else {
          i++;
        }
      } else if (classDepth > 0) {
        if (c == '[') {
          classDepth++;
        } else if (c == ']') {
          classDepth--;
        }
      } else if (c == '[') {
        classDepth = 1;
        // A ']' right after '[' or '[^' is a literal in Java's syntax.
        if (i + 1 < n && re.charAt(i + 1) == '^') {
          i++;
        }
        if (i + 1 < n && re.charAt(i + 1) == ']') {
          i++;
        }
      } else if (c == '#' && comments) {
        int e = re.indexOf('\n', i);
        i = e < 0 ? n : e;
      } else if (c == '(') {
        if (i + 1 < n && re.charAt(i + 1) == '?') {
          if (i + 3 < n && re.charAt(i + 2) == '<' && isAsciiLetter(re.charAt(i + 3))) {
            int close = re.indexOf('>', i + 3);
            names.add(re.substring(i + 3, close));
            i = close;
          } else if (turnsOnComments(re, i + 2)) {
            // (?x) or (?x:…): comments mode from here on, good enough for finding groups.
            comments = true;
          }
        } else {
          names.add(null);
        }
      }
    }
    int count = pattern.matcher("").groupCount();
    if (names.size() != count) {
      throw new IllegalArgumentException(
          what
              + ": cannot tell the names of the pattern's groups (read "
              + names.size()
              + " of "
              + count
              + "); write it without comments or unusual syntax");
    }
    return Collections.unmodifiableList(names);
  }

  /** The group number of {@code name} in {@code names}, or -1. */
  static int indexOf(List<String> names, String name) {
    int i = names.indexOf(name);
    return i < 0 ? -1 : i + 1;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Whether the flags of {@code (?flags)} or {@code (?flags:}, starting at {@code at}, set x. */
  private static boolean turnsOnComments(String re, int at) {
    boolean on = true;
    boolean x = false;
    for (int i = at; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == ')' || c == ':') {
        return x;
      } else if (c == '-') {
        on = false;
      } else if ("idmsuxU".indexOf(c) < 0) {
        return false;
      } else if (c == 'x' && on) {
        x = true;
      }
    }
    return false;
  }
}
