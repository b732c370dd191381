// Lexical helpers over SQL text for places that need less than the scanner (parser/tokens.h).
#pragma once

#include <cstddef>
#include <string_view>

namespace pgshift::parser {

// The first position at or after `pos` that is neither whitespace nor inside a comment (`--` to
// the end of the line, or `/* */`, which nest in PostgreSQL).
std::size_t SkipSpaceAndComments(std::string_view text, std::size_t pos);

}  // namespace pgshift::parser
