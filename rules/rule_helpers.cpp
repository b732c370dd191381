#include "rules/rule_helpers.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "parser/identifiers.h"

namespace pgshift::rules {

void ForEachAlterCommand(
    const StatementContext& ctx,
    FunctionRef<void(const parser::QualifiedName&, const PgQuery__AlterTableCmd&)> visit) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_ALTER_TABLE_STMT)) return;
  const auto& alter = *ctx.node()->alter_table_stmt;
  const parser::QualifiedName table = parser::NameOf(alter.relation);
  for (std::size_t i = 0; i < alter.n_cmds; ++i) {
    if (alter.cmds[i]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) {
      visit(table, *alter.cmds[i]->alter_table_cmd);
    }
  }
}

void ForEachTypeChange(
    const StatementContext& ctx,
    FunctionRef<void(const parser::QualifiedName&, const PgQuery__AlterTableCmd&)> visit) {
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType && cmd.def != nullptr &&
            cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && !ctx.IsNew(table)) {
          visit(table, cmd);
        }
      });
}

void ForEachColumnDefinition(const StatementContext& ctx,
                             FunctionRef<void(const ColumnDefinition&)> visit) {
  const auto column = [&](const parser::QualifiedName& table, const PgQuery__ColumnDef& def,
                          std::string_view name, bool type_change, int location) {
    visit({table, name, &def, parser::TypeSpecOf(def.type_name), type_change, location});
  };
  if (ctx.Is(PG_QUERY__NODE__NODE_CREATE_STMT)) {
    const auto& create = *ctx.node()->create_stmt;
    const parser::QualifiedName table = parser::NameOf(create.relation);
    for (std::size_t i = 0; i < create.n_table_elts; ++i) {
      const parser::Node* element = create.table_elts[i];
      if (element->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) continue;
      const PgQuery__ColumnDef& def = *element->column_def;
      column(table, def, parser::Str(def.colname), false, def.location);
    }
    return;
  }
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (cmd.def == nullptr || cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) return;
        const PgQuery__ColumnDef& def = *cmd.def->column_def;
        if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn) {
          column(table, def, parser::Str(def.colname), false, def.location);
        } else if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType) {
          column(table, def, parser::Str(cmd.name), true, parser::LocationOf(cmd.def));
        }
      });
}

namespace {

// Several forms may lock one table (ADD COLUMN ... DEFAULT 1 REFERENCES: ACCESS EXCLUSIVE for the
// column, a scan for the foreign key): the table sees the strongest mode and the heaviest work.
std::optional<TableLock> MergedLock(const StatementContext& ctx, const parser::QualifiedName& table) {
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
  return merged;
}

}  // namespace

std::string LockText(const StatementContext& ctx, const parser::QualifiedName& table) {
  const std::optional<TableLock> merged = MergedLock(ctx, table);
  return merged ? DescribeLock(*merged) : std::string();
}

std::string LockTexts(const StatementContext& ctx, const std::vector<parser::QualifiedName>& tables) {
  // Tables locked alike share one text: "takes ACCESS EXCLUSIVE on a and b, blocking ...".
  struct Group {
    TableLock lock;
    std::vector<std::string> labels;
  };
  std::vector<Group> groups;
  for (const parser::QualifiedName& table : tables) {
    const std::optional<TableLock> merged = MergedLock(ctx, table);
    if (!merged) continue;
    const std::string label = TableLabel(*merged);
    auto alike = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.lock.mode == merged->mode && g.lock.work == merged->work &&
             g.lock.also == merged->also;
    });
    if (alike == groups.end()) {
      groups.push_back({*merged, {label}});
    } else if (std::find(alike->labels.begin(), alike->labels.end(), label) == alike->labels.end()) {
      alike->labels.push_back(label);
    }
  }
  std::string out;
  for (const Group& group : groups) {
    std::string text = DescribeLock(group.lock);
    const std::string one = " on " + TableLabel(group.lock);
    const std::size_t at = text.find(one);
    if (at != std::string::npos) text.replace(at, one.size(), " on " + NameList(group.labels));
    out += (out.empty() ? "" : "; ") + text;
  }
  return out;
}

std::string NameList(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

std::string QuoteIdent(std::string_view name) { return parser::QuoteIdentifier(name); }

std::string QuoteLiteral(std::string_view value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

bool IsNewColumn(const StatementContext& ctx, const parser::QualifiedName& table,
                 std::string_view column) {
  const CatalogTable* known = ctx.catalog.FindTable(table);
  return known != nullptr && known->IsNewColumn(column);
}

std::string SqlName(const parser::QualifiedName& name) { return name.ToSql(); }

std::string SqlColumn(const parser::QualifiedName& table, std::string_view column) {
  return table.ToSql() + "." + QuoteIdent(column);
}

}  // namespace pgshift::rules
