// SQL text the planner writes into stages: quoted names, a backfill's table, stage-id slugs, and
// the gates that look for rows a new constraint would refuse.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parser/ast.h"

namespace pgshift::planner {

// An identifier, quoted as quote_ident() does.
std::string Q(std::string_view name);

// A table as SQL, schema-qualified when written so.
std::string TableSql(const parser::QualifiedName& name);

// The backfill's `table` takes each part as written and quotes it itself; a part holding a dot
// or a double quote is written in double quotes.
std::string BackfillTable(const parser::QualifiedName& name);

// An index lives in its table's schema: name it there so that DROP finds it.
std::string IndexSql(const parser::QualifiedName& table, const std::string& index);

// Lower-case letters and digits, runs of anything else as one hyphen: "Add users" → "add-users".
std::string Slug(std::string_view text);

std::vector<std::string> ColumnNames(parser::Node* const* items, std::size_t count);

// "a, b": quoted, for a column list.
std::string ColumnList(const std::vector<std::string>& columns);

// The columns an expression names, in order, once each.
std::vector<std::string> ColumnsReferenced(const parser::Node* expression);

// True when no two rows share a value of `columns` (rows with a NULL in them never conflict).
std::string DuplicatesGate(const parser::QualifiedName& table,
                           const std::vector<std::string>& columns);

}  // namespace pgshift::planner
