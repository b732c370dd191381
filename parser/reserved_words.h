// Which words PostgreSQL will not take bare as a column or table name.
#pragma once

#include <string_view>

namespace pgshift::parser {

// Whether `word` (lower case, as the scanner would read it) is a reserved, column-name or
// type/function-name keyword: one that must be double-quoted to stand as a name.
bool IsReservedWord(std::string_view word);

}  // namespace pgshift::parser
