// Small scanning helpers the evidence readers share: lines with their numbers, brackets matched
// over string literals, and quoted option values such as name: "x" or db_column="x".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::rules::evidence {

struct Line {
  std::string_view text;
  std::size_t offset = 0;  // of its first byte
  int number = 0;          // 1-based
};

std::vector<Line> SplitLines(std::string_view code);

// Leading spaces (a tab counts as 8), and the text without them.
int Indentation(std::string_view line);
std::string_view Trim(std::string_view text);

// The offset of the bracket closing the one at `open` ('(', '[' or '{'), skipping string
// literals; text.size() when it is not closed.
std::size_t MatchingClose(std::string_view text, std::size_t open);

// The contents of the first "..." or '...' (or `...`) in `text`.
std::optional<std::string> FirstQuoted(std::string_view text);

// The quoted value given to `key` in `text`: key: "x", key = 'x', key="x", :key => "x".
std::optional<std::string> QuotedOption(std::string_view text, std::string_view key);

// Whether `word` occurs in `text` as a whole identifier.
bool HasWord(std::string_view text, std::string_view word);

// The identifier starting at `at` (empty when none starts there).
std::string_view WordAt(std::string_view text, std::size_t at);

// Whether a name is one a table or column could have unquoted or quoted: letters, digits, '_',
// with an optional schema ("app.users").
bool IsPlainName(std::string_view text);

}  // namespace pgshift::rules::evidence
