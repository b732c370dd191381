// Building blocks for machine-applicable fixes: edits placed by the parse tree and the scanner's
// tokens, never by searching the raw text, so that a keyword inside a string, a quoted name or a
// comment is never taken for the real one. An edit is the statement's span.begin plus an offset
// in its text: the file's bytes for a top-level statement (the engine keeps fixes of nested
// statements, whose text is a body's, out of findings; help may still show them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/parsed_file.h"
#include "rules/context.h"
#include "rules/finding.h"

namespace pgshift::rules {

// Inserts ` <text>` just after the first token of `kind` in the statement (e.g. CONCURRENTLY
// after INDEX). Nullopt when the statement has no such token.
std::optional<Edit> InsertAfterToken(const parser::Statement& statement, PgQuery__Token kind,
                                     std::string_view text);

// Inserts ` <text>` at the end of the clause that starts at `location` (relative to the
// statement): before the next comma outside parentheses, or at the end of the statement.
std::optional<Edit> InsertAtClauseEnd(const parser::Statement& statement, int location,
                                      std::string_view text);

// Inserts the statement `sql` (without semicolon) where it runs in a transaction of its own,
// after the one of the checked statement has committed: right after the statement when it runs
// on its own, after the COMMIT ending its BEGIN ... COMMIT block otherwise. Nullopt when no such
// place exists in the file (the migration tool wraps the whole file in one transaction, or the
// block does not end with COMMIT).
std::optional<Edit> InsertStatementAfterCommit(const StatementContext& ctx, std::string_view sql);

// The advice for a statement that cannot run inside the transaction block it is in: how to get
// it out, in the words of the migration tool that runs the file when it is known (its opt-out
// marker and where it goes), else in general terms.
std::string OutsideTransactionAdvice(const StatementContext& ctx);

// Whether the statement is in a file its tool wraps in a transaction only because some index
// build or drop lacks CONCURRENTLY: every statement of the file is CREATE INDEX or DROP INDEX of
// one index, and the tool runs a script of concurrent ones outside a transaction (Flyway). Adding
// CONCURRENTLY to each is then exact.
bool ConcurrentlyTakesFileOutOfTransaction(const StatementContext& ctx);

// The statement's text from `location` through the end of the first parenthesised group after
// it: "CHECK (amount > 0)"; only the group, "(amount > 0)", with `group_only`. Nullopt when there
// is none.
std::optional<std::string> TextThroughParentheses(const parser::Statement& statement, int location,
                                                  bool group_only = false);

// The text of the expression that starts at `location` (a column default, say), up to the next
// comma, column constraint keyword or the end of the statement at its own nesting level. Nullopt
// when the expression does not stand on its own there (it began inside parentheses).
std::optional<std::string> ExpressionText(const parser::Statement& statement, int location);

// The statement's SQL with `edit` (which must fall inside it) applied: the safe form, for help.
std::string StatementWith(const parser::Statement& statement, const Edit& edit);

// The safe form of adding constraint `c` to `table` (a CHECK or a foreign key): NOT VALID, then
// VALIDATE in a later transaction. `help` shows the SQL; `fix` holds both edits when they are
// exact (the constraint is named and a later transaction exists in the file), else it is empty.
struct NotValidAdvice {
  std::string help;
  std::vector<Edit> fix;
};
NotValidAdvice AddNotValidThenValidate(const StatementContext& ctx,
                                       const parser::QualifiedName& table,
                                       const PgQuery__Constraint& c);

}  // namespace pgshift::rules
