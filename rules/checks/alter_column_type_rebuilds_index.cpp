// ALTER COLUMN ... TYPE that leaves the table but builds the column's indexes again: a new
// collation, a binary-coercible type whose operator class differs, or any change of a column an
// index's expression or WHERE clause reads.
#include <algorithm>
#include <cctype>
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
        "concurrently, and then the change keeps the new index and touches only the catalog. An "
        "index with an expression or a WHERE clause that reads the column is built again on any "
        "change of its type, even a wider varchar (PostgreSQL does not compare such definitions): "
        "no copy escapes that, so drop it concurrently before the change and build it again "
        "concurrently after. Only the indexes the history or the file built are known: one made "
        "outside the linted files is not.",
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

// What to do about the indexes a new collation or operator class builds again: a copy of each
// built first with the column as the change leaves it.
std::string CopiesHelp(const std::vector<std::string>& steps, const std::vector<std::string>& keys,
                       bool one) {
  std::string help =
      std::string("Build ") + (one ? "it" : "each") +
      " again first without blocking, with the column as the change leaves it, and drop the old "
      "one concurrently: the change then keeps the new index and touches only the catalog.\n";
  for (const std::string& step : steps) help += step;
  const bool all_written = std::none_of(steps.begin(), steps.end(),
                                        [](const std::string& step) { return step.empty(); });
  const bool none_written =
      std::all_of(steps.begin(), steps.end(), [](const std::string& step) { return step.empty(); });
  if (all_written) return help + "  -- then this ALTER TABLE";
  return help +
         (none_written ? "Write " + std::string(one ? "the copy" : "each copy")
                       : std::string("Write the other copies")) +
         " as the index is defined (its USING, INCLUDE and WHERE too), with " + NameList(keys) +
         "; an index behind a constraint is swapped in with ADD CONSTRAINT ... USING INDEX. "
         "Then this ALTER TABLE.";
}

// What to do about the indexes with an expression or a WHERE clause reading the column: no copy
// escapes the rebuild, as any copy reads the column too.
std::string ComputedHelp(const std::vector<std::string>& labels) {
  const bool one = labels.size() == 1;
  const std::string them = one ? "it" : "them";
  std::string help = NameList(labels);
  help[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(help[0])));
  return help + (one ? " reads" : " read") +
         " the column in an expression or a WHERE clause: PostgreSQL builds " +
         (one ? "such an index" : "such indexes") +
         " again on any change of the column's type, and a copy would read it too. Drop " + them +
         " concurrently before the change and build " + them +
         " again concurrently after the change, as defined (queries go without " + them +
         " meanwhile, and a UNIQUE index does not keep its rows unique then):\n"
         "  DROP INDEX CONCURRENTLY ...;\n  -- this ALTER TABLE\n  CREATE INDEX CONCURRENTLY ...;";
}

// One finding per statement, naming every index it builds again.
void Check(const StatementContext& ctx, Reporter& report) {
  struct Change {
    std::string column;
    std::string reason;
  };
  parser::QualifiedName table;
  std::vector<Change> changes;
  // The indexes built again: all of them (labels), those a copy escapes (with their copies'
  // steps), and the computed ones, which none escapes.
  std::vector<std::string> labels, copied, steps, computed;
  std::vector<std::string> keys;  // the column as a copy names it
  int location = -1;
  ForEachTypeChange(
      ctx, [&](const parser::QualifiedName& altered, const PgQuery__AlterTableCmd& cmd) {
        const std::string column(parser::Str(cmd.name));
        const std::optional<IndexesRebuilt> rebuilt =
            IndexesRebuiltBy(ctx.catalog, altered, column, *cmd.def->column_def);
        if (!rebuilt) return;
        if (changes.empty()) location = parser::LocationOf(cmd.def);
        table = altered;
        changes.push_back({column, rebuilt->Reason()});
        if (rebuilt->why) keys.push_back(QuoteIdent(column) + " " + rebuilt->why->column_in_index);
        for (const TableIndex& index : rebuilt->indexes) {
          std::string label = IndexLabel(index);
          // An index on two changed columns is built again once; its copy, written for the
          // first, would miss the second, so it is left to write by hand.
          if (std::find(labels.begin(), labels.end(), label) != labels.end()) {
            const auto seen = std::find(copied.begin(), copied.end(), label);
            if (seen != copied.end())
              steps[static_cast<std::size_t>(seen - copied.begin())].clear();
            continue;
          }
          labels.push_back(label);
          if (index.computed) {
            computed.push_back(std::move(label));
            continue;
          }
          copied.push_back(std::move(label));
          steps.push_back(Replacement(index, altered, column, *rebuilt->why).value_or(""));
        }
      });
  if (changes.empty()) return;
  const std::string t = SqlName(table);
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
  std::string help;
  if (!copied.empty()) help = CopiesHelp(steps, keys, copied.size() == 1);
  if (!computed.empty()) help += (help.empty() ? "" : "\n") + ComputedHelp(computed);
  report.Add("Changing " + what + " builds " + NameList(labels) +
                 " again under ACCESS EXCLUSIVE: " + reasons,
             help, LockText(ctx, table), location);
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
