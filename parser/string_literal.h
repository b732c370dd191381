// Reads a SQL string constant from source text, keeping where each byte of its value came from,
// so that a position inside a function or DO body maps back to the file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::parser {

struct StringLiteral {
  std::string value;
  // Offset in the source text of each byte of `value`, plus one entry for the end of the value.
  std::vector<std::size_t> offsets;
};

// The string constant at `at`, after any whitespace and comments: `$tag$...$tag$`, '...' (with
// doubled quotes) or E'...' (with the simple backslash escapes). Nullopt for anything else, such
// as U&'...', octal or Unicode escapes, or a constant continued on the next line.
std::optional<StringLiteral> ReadStringLiteral(std::string_view text, std::size_t at);

}  // namespace pgshift::parser
