// Integers libpg_query's JSON printer leaves out, recovered from the statement's text: it writes
// no value for an integer below 1 (`{"Integer":{}}` for -1), where protobuf keeps it, so a zero
// read from the JSON may have been `0`, `-1` (the parser folds the sign into the constant), or an
// array bound (`[]` is -1, `[0]` is 0).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pgshift::parser {

// The integer literal at `at` in the statement, when it is zero or negative: `0`, or a minus
// sign the parser folded into the constant (`-1`, `- (2)`, `- -0`). Null for anything else.
std::optional<int32_t> NonPositiveLiteralAt(std::string_view sql, int at);

// Whether an array bound written `[0]` may be in the statement (possibly with a comment inside).
bool MayHoldZeroBound(std::string_view sql);

}  // namespace pgshift::parser
