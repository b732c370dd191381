// ALTER COLUMN ... DROP DEFAULT on an existing column: INSERTs that leave the column out change.
#include <map>
#include <set>

#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "drop-default",
    .summary = "ALTER COLUMN ... DROP DEFAULT on an existing column",
    .rationale =
        "The application version still running may insert rows without naming the column and "
        "count on the default: after DROP DEFAULT those rows get NULL instead, or fail when the "
        "column is NOT NULL. Instant for the lock, so only a note: check that the deployed code "
        "always sets the column before the default goes. (A NOT NULL column added earlier in "
        "the same file is reported by not-null-column-without-default instead.)",
    .bad = "ALTER TABLE orders ALTER COLUMN currency DROP DEFAULT;",
    .good =
        "-- release N: always write orders.currency\n"
        "-- release N+1:\n"
        "-- pgshift-ignore drop-default: every INSERT sets currency since release N\n"
        "ALTER TABLE orders ALTER COLUMN currency DROP DEFAULT;",
    .severity = Severity::kInfo,
};

// Whether `statement` sets a default on table.column; from its sub-command `from` on.
bool SetsDefault(const parser::Node* statement, const parser::QualifiedName& table,
                 std::string_view column, std::size_t from = 0) {
  if (statement == nullptr || statement->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT) return false;
  const auto& alter = *statement->alter_table_stmt;
  if (alter.relation == nullptr || !parser::NameOf(alter.relation).Matches(table)) return false;
  for (std::size_t i = from; i < alter.n_cmds; ++i) {
    if (alter.cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const auto& cmd = *alter.cmds[i]->alter_table_cmd;
    if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault && cmd.def != nullptr &&
        parser::Str(cmd.name) == column) {
      return true;
    }
  }
  return false;
}

// A new default set later in the same transaction (or statement): nobody ever sees the column
// without one, as when a default is replaced around a type change.
bool DefaultComesBack(const StatementContext& ctx, const parser::QualifiedName& table,
                      std::string_view column, std::size_t next_command) {
  if (SetsDefault(ctx.node(), table, column, next_command)) return true;
  const TransactionState& here = ctx.transaction();
  if (!here.in_block) return false;
  for (std::size_t i = ctx.index + 1; i < ctx.file.statements.size(); ++i) {
    const TransactionState& there = ctx.facts.transactions[i];
    if (!there.in_block || there.id != here.id) break;
    if (SetsDefault(ctx.file.statements[i].node, table, column)) return true;
  }
  return false;
}

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_ALTER_TABLE_STMT)) return;
  // What the statement's own earlier sub-commands did: columns it added, nullability it changed.
  std::set<std::string, std::less<>> added;
  std::map<std::string, bool, std::less<>> not_null_now;
  std::size_t position = 0;  // of the sub-command being visited
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        ++position;
        const std::string column(parser::Str(cmd.name));
        switch (cmd.subtype) {
          case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
            if (cmd.def != nullptr && cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
              added.insert(std::string(parser::Str(cmd.def->column_def->colname)));
            }
            return;
          case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
          case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
            not_null_now[column] = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull;
            return;
          default:
            break;
        }
        if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault || cmd.def != nullptr ||
            ctx.IsNew(table)) {
          return;
        }
        if (added.count(column) > 0 || IsNewColumn(ctx, table, column)) return;
        if (DefaultComesBack(ctx, table, column, position)) return;
        const CatalogTable* known = ctx.catalog.FindTable(table);
        const CatalogColumn* c = known != nullptr ? known->FindColumn(column) : nullptr;
        const auto changed = not_null_now.find(column);
        const bool not_null = changed != not_null_now.end() ? changed->second
                                                            : c != nullptr && c->not_null;
        report.Add("DROP DEFAULT on " + SqlColumn(table, column) +
                       ": INSERTs of the running version that leave it out " +
                       (not_null ? "fail, as it is NOT NULL" : "now store NULL"),
                   "Make sure the deployed code sets " + QuoteIdent(column) +
                       " in every INSERT before dropping its default.",
                   LockText(ctx, table));
      });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
