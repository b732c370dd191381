// Identifiers as written in SQL text. The parse tree holds them truncated to 63 bytes, as
// PostgreSQL does; rules that care about the written length read them here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parser/splitter.h"

namespace pgshift::parser {

struct WrittenIdentifier {
  Span span;         // in the text given
  std::string name;  // folded as PostgreSQL does: unquoted ones lower-cased, quotes removed
};

// Every identifier token of `sql`, in order; empty when the text cannot be scanned.
std::vector<WrittenIdentifier> WrittenIdentifiers(std::string_view sql);

}  // namespace pgshift::parser
