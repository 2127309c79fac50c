package io.kinesislite.agent.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Regular expressions from configuration files, checked where they are read. Thread-safe. */
final class Regexes {
  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  private Regexes() {}

  /** Compiles the regex {@code at} holds. */
  static Pattern compile(ConfigNode at) {
    String regex = at.text();
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw at.error("'" + regex + "' is not a regular expression: " + e.getDescription(), e);
    }
  }

  /** The names of the named groups of {@code pattern}, in order. */
  static List<String> namedGroups(Pattern pattern) {
    List<String> names = new ArrayList<>();
    Matcher m = NAMED_GROUP.matcher(pattern.pattern());
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The number of capturing groups of {@code pattern}. */
  static int groupCount(Pattern pattern) {
    return pattern.matcher("").groupCount();
  }

  /** Checks that {@code pattern}, read at {@code at}, has at least {@code fields} groups. */
  static void checkGroupsFor(ConfigNode at, Pattern pattern, int fields, String fieldsKey) {
    int groups = groupCount(pattern);
    if (groups < fields) {
      throw at.error(
          "has "
              + groups
              + " capturing group"
              + (groups == 1 ? "" : "s")
              + " but "
              + fieldsKey
              + " names "
              + fields
              + " fields: one group per field is needed");
    }
  }

  /** Checks that {@code group} (a name or a number) is a group of {@code pattern}. */
  static void checkGroup(ConfigNode at, Pattern pattern, String group) {
    if (group.chars().allMatch(Character::isDigit) && !group.isEmpty()) {
      int n;
      try {
        n = Integer.parseInt(group);
      } catch (NumberFormatException e) {
        throw at.error("'" + group + "' is not a group of the regex", e);
      }
      int groups = groupCount(pattern);
      if (n < 0 || n > groups) {
        throw at.error(
            "group " + n + " does not exist: the regex has " + groups + " capturing groups");
      }
    } else if (!namedGroups(pattern).contains(group)) {
      throw at.error(
          "the regex has no group named '"
              + group
              + "' (its named groups: "
              + (namedGroups(pattern).isEmpty() ? "none" : String.join(", ", namedGroups(pattern)))
              + ")");
    }
  }
}
