// How deeply a statement nests, estimated from its tokens before it reaches the parser, whose
// output and our tree walks recurse once per level: a statement beyond kMaxNesting is refused
// (as PostgreSQL refuses one beyond its max_stack_depth), never allowed to overflow the stack.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace pgshift::parser {

// PostgreSQL's default max_stack_depth (2 MB) stops near 4,000 chained operators; its parser
// stops at 10,000 levels of parentheses.
inline constexpr std::size_t kMaxNesting = 10000;

// The nesting estimate of one statement: parentheses and brackets, plus operators chained at
// one level (a + b + c nests per `+`; lists and AND/OR chains are flat). Left-recursive chains
// are what the parser's own stack does not limit. Statements under 2 * kMaxNesting bytes cannot
// exceed the limit and are not scanned.
std::size_t NestingEstimate(std::string_view sql);

// The byte offset where a statement passes kMaxNesting, or nullopt when it does not.
std::optional<std::size_t> TooDeep(std::string_view sql);

}  // namespace pgshift::parser
