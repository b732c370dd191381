// Whether an expression (a column default) is volatile: since PostgreSQL 11 a non-volatile
// default is stored once in the catalog, while a volatile one is evaluated per row, rewriting
// the table.
#pragma once

#include <string>

#include "parser/ast.h"

namespace pgshift::rules {

enum class Volatility { kImmutable, kStable, kVolatile };

struct VolatilityVerdict {
  Volatility volatility = Volatility::kImmutable;
  std::string because;  // the function that decided it, e.g. "gen_random_uuid()"
};

// Unknown functions count as volatile, as PostgreSQL declares a function VOLATILE unless told.
VolatilityVerdict VolatilityOf(const parser::Node* expression);

}  // namespace pgshift::rules
