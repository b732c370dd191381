// DROP TYPE of a type (an enum, a domain) that a column still uses: the statement fails, or with
// CASCADE drops the columns and their data.
#include <algorithm>

#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "drop-type-in-use",
    .summary = "DROP TYPE of a type that a column still uses",
    .rationale =
        "PostgreSQL refuses to drop a type that a column still has (other objects depend on it), "
        "so the migration fails at deploy time; with CASCADE it succeeds by dropping every such "
        "column, data and all, without naming them. Change or drop the columns first (each its "
        "own contract step, once no running code reads them), then drop the type.",
    .bad =
        "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
        "ALTER TABLE users ADD COLUMN mood mood;\n"
        "DROP TYPE mood;",
    .good =
        "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
        "ALTER TABLE users ADD COLUMN mood mood;\n"
        "ALTER TABLE users ALTER COLUMN mood TYPE text;\n"
        "DROP TYPE mood;",
    .severity = Severity::kError,
};

// "orders.status, users.mood" (as SQL names): every column whose type is `type` (unqualified, as
// columns record it), the statement's own tables first.
std::vector<std::string> ColumnsUsing(const Catalog& catalog, std::string_view type) {
  std::vector<std::string> out;
  for (const CatalogTable* table : catalog.TablesUsingType(type)) {
    for (const CatalogColumn& column : table->columns) {
      if (column.type.name == type) out.push_back(SqlColumn(table->name, column.name));
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_DROP_STMT)) return;
  const auto& drop = *ctx.node()->drop_stmt;
  if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TYPE &&
      drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) {
    return;
  }
  const bool cascade = drop.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  for (std::size_t i = 0; i < drop.n_objects; ++i) {
    const parser::Node* object = drop.objects[i];
    if (object->node_case != PG_QUERY__NODE__NODE_TYPE_NAME) continue;
    const parser::TypeSpec type = parser::TypeSpecOf(object->type_name);
    const std::vector<std::string> columns = ColumnsUsing(ctx.catalog, type.name);
    if (columns.empty()) continue;
    const std::string what = (columns.size() == 1 ? "column " : "columns ") + Join(columns);
    if (cascade) {
      report.Add("DROP TYPE " + QuoteIdent(type.name) + " CASCADE drops " + what +
                     (columns.size() == 1 ? " and its data" : " and their data"),
                 "Change or drop each column in its own step first, once no running code reads "
                 "it (ALTER TABLE ... ALTER COLUMN ... TYPE text), then drop the type without "
                 "CASCADE.");
    } else {
      report.Add("DROP TYPE " + QuoteIdent(type.name) + " fails: " + what +
                     (columns.size() == 1 ? " still uses it" : " still use it"),
                 "Change or drop the columns that use it first (ALTER TABLE ... ALTER COLUMN ... "
                 "TYPE text, or DROP COLUMN in a contract step), then drop the type.");
    }
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
