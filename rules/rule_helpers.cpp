#include "rules/rule_helpers.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace pgshift::rules {

void ForEachAlterCommand(
    const StatementContext& ctx,
    const std::function<void(const parser::QualifiedName&, const PgQuery__AlterTableCmd&)>& visit) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_ALTER_TABLE_STMT)) return;
  const auto& alter = *ctx.node()->alter_table_stmt;
  const parser::QualifiedName table = parser::NameOf(alter.relation);
  for (std::size_t i = 0; i < alter.n_cmds; ++i) {
    if (alter.cmds[i]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) {
      visit(table, *alter.cmds[i]->alter_table_cmd);
    }
  }
}

std::string LockText(const StatementContext& ctx, const parser::QualifiedName& table) {
  // Several forms may lock one table (ADD COLUMN ... DEFAULT 1 REFERENCES: ACCESS EXCLUSIVE for
  // the column, a scan for the foreign key): the table sees the strongest mode and the heaviest work.
  std::optional<TableLock> merged;
  for (const TableLock& lock : ctx.locks()) {
    if (!lock.table.Matches(table)) continue;
    if (!merged) {
      merged = lock;
      continue;
    }
    if (lock.mode > merged->mode) {
      merged->mode = lock.mode;
      merged->also = lock.also;
    }
    merged->work = std::max(merged->work, lock.work);
  }
  return merged ? DescribeLock(*merged) : std::string();
}

std::string QuoteIdent(std::string_view name) {
  bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (const char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '_')) {
      plain = false;
    }
  }
  if (plain) return std::string(name);
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace pgshift::rules
