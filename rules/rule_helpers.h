// Shared helpers for rule checks: walking ALTER TABLE commands and describing locks.
#pragma once

#include <string>
#include <vector>

#include "parser/ast.h"
#include "rules/context.h"
#include "rules/function_ref.h"

namespace pgshift::rules {

// Calls `visit` for each sub-command of an ALTER TABLE statement, with the table it alters.
// Does nothing for other statements.
void ForEachAlterCommand(
    const StatementContext& ctx,
    FunctionRef<void(const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd)> visit);

// Calls `visit` for each ALTER COLUMN ... TYPE of an ALTER TABLE statement on a table that is not
// new (a table the file creates is empty and used by nobody); `cmd.def` is its ColumnDef.
void ForEachTypeChange(
    const StatementContext& ctx,
    FunctionRef<void(const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd)> visit);

// A column defined by this statement: a CREATE TABLE column, ADD COLUMN, or ALTER COLUMN TYPE
// (where `def` holds only the new type).
struct ColumnDefinition {
  parser::QualifiedName table;
  std::string_view name;
  const PgQuery__ColumnDef* def = nullptr;
  parser::TypeSpec type;
  bool type_change = false;
  int location = -1;  // in the statement text
};
void ForEachColumnDefinition(const StatementContext& ctx,
                             FunctionRef<void(const ColumnDefinition& column)> visit);

// The lock-model description of what this statement takes on `table`, for a finding's lock
// field ("takes ACCESS EXCLUSIVE on users, blocking reads and writes; rewrites the table").
std::string LockText(const StatementContext& ctx, const parser::QualifiedName& table);
// The lock texts of several tables, each once, joined by "; ": one finding about many objects.
std::string LockTexts(const StatementContext& ctx, const std::vector<parser::QualifiedName>& tables);

// "a", "a and b", "a, b and c": the objects of one finding about many.
std::string NameList(const std::vector<std::string>& names);

// Quotes an identifier for SQL shown in help when it needs quoting (parser::QuoteIdentifier).
std::string QuoteIdent(std::string_view name);

// A relation name as SQL, each part quoted when it needs it: app."Orders". Messages, lock texts
// and help name objects this way, never as ToString() leaves them.
std::string SqlName(const parser::QualifiedName& name);
// A column of a table as SQL: app."Orders"."createdAt".
std::string SqlColumn(const parser::QualifiedName& table, std::string_view column);
// A string constant for SQL shown in help: 'it''s'.
std::string QuoteLiteral(std::string_view value);

// Whether a column is known to the catalog and was added in the file being checked (so no
// deployed code knows it).
bool IsNewColumn(const StatementContext& ctx, const parser::QualifiedName& table,
                 std::string_view column);

}  // namespace pgshift::rules
