// ALTER COLUMN ... TYPE that leaves the table but builds the column's indexes again: a new
// collation, or a binary-coercible type whose operator class differs.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "rules/analysis/type_change.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "alter-column-type-rebuilds-index",
    .summary =
        "ALTER COLUMN ... TYPE that builds the column's indexes again under ACCESS EXCLUSIVE",
    .rationale =
        "A type change that PostgreSQL needs no rewrite for can still rebuild every index on the "
        "column, while ACCESS EXCLUSIVE blocks reads and writes of the table: it keeps an index "
        "only when the index's collation and operator class stay what the column has. A new "
        "COLLATE rebuilds the indexes that follow the column's collation (ALTER COLUMN ... TYPE "
        "without COLLATE also goes back to the type's default); int4 to oid, oid to int4, text or "
        "varchar to bpchar (char without a length), and bit to varbit rebuild those that name no "
        "operator class (checked against PostgreSQL 15). The way without blocking: build each "
        "index again concurrently "
        "with the column as it will be (`name COLLATE \"C\"`, `id oid_ops`), drop the old one "
        "concurrently, and then the change keeps the new index and touches only the catalog. Only "
        "the indexes the history or the file built are known: an index on an expression of the "
        "column, or one made outside the linted files, is not.",
    .bad =
        "ALTER TABLE users ADD COLUMN handle text;\n"
        "CREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);\n"
        "ALTER TABLE users ALTER COLUMN handle TYPE text COLLATE \"C\";",
    .good =
        "ALTER TABLE users ADD COLUMN handle text;\n"
        "CREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);\n"
        "CREATE UNIQUE INDEX CONCURRENTLY users_handle_c_key ON users (handle COLLATE \"C\");\n"
        "DROP INDEX CONCURRENTLY users_handle_key;\n"
        "ALTER TABLE users ALTER COLUMN handle TYPE text COLLATE \"C\";",
    .severity = Severity::kError,
};

std::string IndexLabel(const TableIndex& index) {
  if (!index.name.empty())
    return (index.constraint ? "the index of constraint " : "index ") + QuoteIdent(index.name);
  std::string columns;
  for (const std::string& column : index.columns) {
    columns += (columns.empty() ? "" : ", ") + QuoteIdent(column);
  }
  return "the index of the constraint on (" + columns + ")";
}

// The index built again with the column as the change leaves it, when the catalog can write its
// definition again (a plain CREATE INDEX).
std::optional<std::string> Replacement(const TableIndex& index, const parser::QualifiedName& table,
                                       std::string_view column, const IndexRebuild& rebuild) {
  if (!index.plain || index.constraint || index.name.empty()) return std::nullopt;
  std::vector<std::string> keys;
  for (const std::string& key : index.columns) {
    keys.push_back(key == column ? QuoteIdent(key) + " " + rebuild.column_in_index
                                 : QuoteIdent(key));
  }
  std::string list;
  for (const std::string& key : keys) list += (list.empty() ? "" : ", ") + key;
  const std::string copy = QuoteIdent(index.name + "_new");
  return "  CREATE " + std::string(index.unique ? "UNIQUE " : "") + "INDEX CONCURRENTLY " + copy +
         " ON " + SqlName(table) + " (" + list + ");\n  DROP INDEX CONCURRENTLY " +
         QuoteIdent(index.name) + ";\n  ALTER INDEX " + copy + " RENAME TO " +
         QuoteIdent(index.name) + ";\n";
}

// One finding per statement, naming every index it builds again.
void Check(const StatementContext& ctx, Reporter& report) {
  struct Change {
    std::string column;
    std::string reason;
  };
  parser::QualifiedName table;
  std::vector<Change> changes;
  std::vector<std::string> labels, steps, keys;  // keys: the column as a copy names it
  bool all_written = true;
  int location = -1;
  ForEachTypeChange(
      ctx, [&](const parser::QualifiedName& altered, const PgQuery__AlterTableCmd& cmd) {
        const std::string column(parser::Str(cmd.name));
        const std::optional<IndexesRebuilt> rebuilt =
            IndexesRebuiltBy(ctx.catalog, altered, column, *cmd.def->column_def);
        if (!rebuilt) return;
        if (changes.empty()) location = parser::LocationOf(cmd.def);
        table = altered;
        changes.push_back({column, rebuilt->why.reason});
        keys.push_back(QuoteIdent(column) + " " + rebuilt->why.column_in_index);
        for (const TableIndex& index : rebuilt->indexes) {
          // An index on two changed columns is built again once; its copy, written for the
          // first, would miss the second, so it is left to write by hand.
          std::string label = IndexLabel(index);
          if (const auto seen = std::find(labels.begin(), labels.end(), label);
              seen != labels.end()) {
            steps[static_cast<std::size_t>(seen - labels.begin())].clear();
            all_written = false;
            continue;
          }
          labels.push_back(std::move(label));
          std::optional<std::string> step = Replacement(index, altered, column, rebuilt->why);
          all_written = all_written && step.has_value();
          steps.push_back(step.value_or(""));
        }
      });
  if (changes.empty()) return;
  const std::string t = SqlName(table);
  const bool one = labels.size() == 1;
  std::string what, reasons;
  if (changes.size() == 1) {
    what = "the type of " + t + "." + QuoteIdent(changes[0].column);
    reasons = changes[0].reason;
  } else {
    std::vector<std::string> columns;
    for (const Change& change : changes) {
      columns.push_back(QuoteIdent(change.column));
      reasons += (reasons.empty() ? "" : "; ") + QuoteIdent(change.column) + ": " + change.reason;
    }
    what = "the types of " + std::to_string(changes.size()) + " columns of " + t + " (" +
           NameList(columns) + ")";
  }
  std::string help =
      std::string("Build ") + (one ? "it" : "each") +
      " again first without blocking, with the column as the change leaves it, and drop the old "
      "one concurrently: the change then keeps the new index and touches only the catalog.\n";
  for (const std::string& step : steps) help += step;
  const bool none_written =
      std::all_of(steps.begin(), steps.end(), [](const std::string& step) { return step.empty(); });
  if (all_written) {
    help += "  -- then this ALTER TABLE";
  } else {
    help += std::string(none_written ? "Write " + std::string(one ? "the copy" : "each copy")
                                     : "Write the other copies") +
            " as the index is defined (its USING, INCLUDE and WHERE too), with " + NameList(keys) +
            "; an index behind a constraint is swapped in with ADD CONSTRAINT ... USING INDEX. "
            "Then this ALTER TABLE.";
  }
  report.Add("Changing " + what + " builds " + NameList(labels) +
                 " again under ACCESS EXCLUSIVE: " + reasons,
             help, LockText(ctx, table), location);
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
