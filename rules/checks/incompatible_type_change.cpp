// ALTER COLUMN ... TYPE that changes what the running version reads or may write.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "incompatible-type-change",
    .summary = "ALTER COLUMN ... TYPE to a type the running version reads or writes differently",
    .rationale =
        "Clients decode a column by its type: one built for timestamp reads timestamptz in "
        "another zone, one built for text fails on a number, one built for bigint may overflow "
        "on a value narrowed to integer. A new length limit rejects the longer values old code "
        "still writes. Changes within one family that only widen it (varchar(n) to varchar(m>n) "
        "or text, numeric(p,s) to numeric, smallint to integer or bigint, integer to bigint) are "
        "quiet: the values the running version reads and writes still fit (the rewrite is "
        "alter-column-type-rewrite's finding). A change back to the type the deployed version "
        "knows (a down migration restoring the type its up migration changed) is quiet too. "
        "Without the old type (no earlier migration to read it from) only a USING clause, or a "
        "target outside the string and numeric families, is reported. One statement that "
        "changes several columns is one finding naming them all. Change a type in "
        "expand-contract steps: a new column, written by both versions, backfilled, then the "
        "old one dropped.",
    .bad = "ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;",
    .good =
        "ALTER TABLE events ADD COLUMN happened_at_tz timestamptz;\n"
        "-- deploy code writing both; backfill; switch reads; drop happened_at later",
    .severity = Severity::kWarning,
};

// Types that every client reads the same way, whatever the modifiers.
std::string Family(const parser::TypeSpec& type) {
  static constexpr std::string_view kStrings[] = {"text", "varchar", "bpchar", "citext"};
  for (const std::string_view s : kStrings) {
    if (type.name == s) return type.array ? "string[]" : "string";
  }
  return type.array ? type.name + "[]" : type.name;
}

// A limit on the length of the values, or -1 for none.
long Limit(const parser::TypeSpec& type) {
  return (type.name == "varchar" || type.name == "bpchar") && !type.modifiers.empty()
             ? type.modifiers[0]
             : -1;
}

// The width in bytes of an integer type (serial types included), or 0 for any other type.
int IntegerWidth(const parser::TypeSpec& type) {
  static constexpr std::pair<std::string_view, int> kWidths[] = {
      {"int2", 2}, {"smallint", 2}, {"smallserial", 2}, {"serial2", 2},
      {"int4", 4}, {"integer", 4},  {"int", 4},         {"serial", 4},  {"serial4", 4},
      {"int8", 8}, {"bigint", 8},   {"bigserial", 8},   {"serial8", 8}};
  for (const auto& [name, width] : kWidths) {
    if (type.name == name) return width;
  }
  return 0;
}

// Why the change breaks the running version, or empty.
std::string Incompatibility(const parser::TypeSpec& before, const parser::TypeSpec& after,
                            bool has_using) {
  if (before.empty()) {
    const std::string family = Family(after);
    if (!has_using && (family == "string" || family == "numeric")) return {};
    return has_using ? "converts it with USING" : "makes it " + after.ToString();
  }
  // smallint to integer, integer to bigint: every value the running version knows still fits.
  const int old_width = IntegerWidth(before), new_width = IntegerWidth(after);
  if (old_width > 0 && new_width >= old_width && before.array == after.array) {
    return {};
  }
  if (Family(before) != Family(after)) {
    return "changes it from " + before.ToString() + " to " + after.ToString();
  }
  const long old_limit = Limit(before), new_limit = Limit(after);
  if (new_limit >= 0 && (old_limit < 0 || new_limit < old_limit)) {
    return "limits it to " + std::to_string(new_limit) + " characters";
  }
  return {};
}

// The same type as the application reads it: a serial column is an integer column (serial
// names a default, not a type), so `bigint` back to `integer` restores a `serial` column.
bool SameType(const parser::TypeSpec& a, const parser::TypeSpec& b) {
  const int width = IntegerWidth(a);
  const bool same_name = a.name == b.name || (width > 0 && width == IntegerWidth(b));
  return same_name && a.modifiers == b.modifiers && a.array == b.array;
}

// A USING clause that converts: `USING col` alone is the same as no USING.
bool HasConversion(const PgQuery__ColumnDef& def, std::string_view column) {
  const parser::Node* expression = def.raw_default;
  if (expression == nullptr) return false;
  if (expression->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return true;
  const auto& ref = *expression->column_ref;
  return ref.n_fields != 1 || parser::StringValue(ref.fields[0]) != column;
}

// One finding per statement: several columns changed at once are one hazard, named together.
void Check(const StatementContext& ctx, Reporter& report) {
  struct Changed {
    std::string column, why;
    parser::TypeSpec after;
  };
  parser::QualifiedName table;
  std::vector<Changed> changed;
  int location = -1;
  ForEachTypeChange(ctx, [&](const parser::QualifiedName& altered,
                             const PgQuery__AlterTableCmd& cmd) {
    const std::string column(parser::Str(cmd.name));
    if (IsNewColumn(ctx, altered, column)) return;
    const CatalogTable* known = ctx.catalog.FindTable(altered);
    const CatalogColumn* old_column = known != nullptr ? known->FindColumn(column) : nullptr;
    const parser::TypeSpec before = old_column != nullptr ? old_column->type : parser::TypeSpec{};
    const parser::TypeSpec after = parser::TypeSpecOf(cmd.def->column_def->type_name);
    // Back to the type the deployed version knows, as a rollback of a type change does. Outside
    // a rollback, a type of that name created in this upgrade is another one: an enum swapped
    // for a new one under the old name (rename the old, create the new, convert, drop the old).
    const CatalogType* created = ctx.catalog.FindType({"", after.name});
    const bool restores = ctx.settings.rollback || created == nullptr || !created->is_new;
    if (old_column != nullptr && old_column->released_type &&
        SameType(*old_column->released_type, after) && restores) {
      return;
    }
    std::string why = Incompatibility(before, after, HasConversion(*cmd.def->column_def, column));
    if (why.empty()) return;
    if (changed.empty()) location = parser::LocationOf(cmd.def);
    table = altered;
    changed.push_back({column, std::move(why), after});
  });
  if (changed.empty()) return;
  const std::string t = SqlName(table);
  std::string what, steps;
  std::vector<std::string> names;
  for (const Changed& change : changed) {
    const std::string c = QuoteIdent(change.column);
    names.push_back(c);
    what += (what.empty() ? "" : "; ") + c + " " + change.why;
    steps += "  ALTER TABLE " + t + " ADD COLUMN " + QuoteIdent(change.column + "_new") + " " +
             change.after.ToString() + ";\n";
  }
  std::vector<std::string> next;
  for (const Changed& change : changed) next.push_back(QuoteIdent(change.column + "_new"));
  const bool one = changed.size() == 1;
  report.Add((one ? "ALTER COLUMN " + names[0] + " on " + t + " " + changed[0].why
                  : "ALTER COLUMN on " + std::to_string(changed.size()) + " columns of " + t +
                        " (" + what + ")") +
                 ": the running version may misread the values or write ones that no longer fit",
             "Change it in expand-contract steps:\n" + steps +
                 "  -- deploy code writing both; backfill " + NameList(next) +
                 " in batches; switch reads\n"
                 "  -- then, a release later: drop " +
                 NameList(names) +
                 " (and rename, behind a view if needed)\n"
                 "If every client maps both types alike, say so: "
                 "-- pgshift-ignore incompatible-type-change: <why>",
             LockText(ctx, table), location);
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
