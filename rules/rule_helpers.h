// Shared helpers for rule checks: walking ALTER TABLE commands and describing locks.
#pragma once

#include <functional>
#include <string>

#include "parser/ast.h"
#include "rules/context.h"

namespace pgshift::rules {

// Calls `visit` for each sub-command of an ALTER TABLE statement, with the table it alters.
// Does nothing for other statements.
void ForEachAlterCommand(
    const StatementContext& ctx,
    const std::function<void(const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd)>&
        visit);

// The lock-model description of what this statement takes on `table`, for a finding's lock
// field ("takes ACCESS EXCLUSIVE on users, blocking reads and writes; rewrites the table").
std::string LockText(const StatementContext& ctx, const parser::QualifiedName& table);

// Quotes an identifier for SQL shown in help when it needs quoting.
std::string QuoteIdent(std::string_view name);

}  // namespace pgshift::rules
