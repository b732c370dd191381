// ALTER COLUMN ... TYPE that is not binary-coercible: the table and its indexes are rewritten.
#include <algorithm>
#include <string>
#include <vector>

#include "rules/analysis/type_change.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "alter-column-type-rewrite",
    .summary = "ALTER COLUMN ... TYPE that rewrites an existing table (not binary-coercible)",
    .rationale =
        "Changing a column's type holds ACCESS EXCLUSIVE; unless the new type is binary-coercible "
        "with the old one, every row is converted and the table and all its indexes are "
        "rewritten, blocking reads and writes for the whole time. Catalog-only changes pass: "
        "varchar(n) to a larger limit, to varchar or to text; numeric(p,s) to a larger p with "
        "the same s, or to numeric; a larger or dropped precision of timestamp or time; cidr to "
        "inet; USING the column itself. int to bigint, text to varchar(n), a smaller limit and "
        "any other USING are rewrites (checked against PostgreSQL 15). An array is converted "
        "element by element: any change of its element type or limit rewrites, but for dropping "
        "the limit. A change that needs no rewrite can still build the column's indexes again "
        "(alter-column-type-rebuilds-index). One statement that "
        "changes several columns rewrites the table once: one finding names them all. When the "
        "old type is not known (the table was created outside the linted files), a change that "
        "could go either way is reported as a possible rewrite. The online way is a new column: "
        "add it, keep both in step (trigger or application), backfill in batches, switch, drop "
        "the old one.",
    .bad = "ALTER TABLE events ALTER COLUMN id TYPE bigint;",
    .good =
        "ALTER TABLE events ADD COLUMN id_new bigint;\n"
        "-- keep id_new in step with id (trigger), backfill in batches, then switch and drop id",
    .severity = Severity::kError,
};

// One finding per statement: several columns changed at once rewrite the table once, and it
// names them all.
void Check(const StatementContext& ctx, Reporter& report) {
  struct Changed {
    std::string column;
    parser::TypeSpec new_type;
    TypeChangeVerdict verdict;
  };
  parser::QualifiedName table;
  std::vector<Changed> changed;
  int location = -1;
  ForEachTypeChange(
      ctx, [&](const parser::QualifiedName& altered, const PgQuery__AlterTableCmd& cmd) {
        const std::string column(parser::Str(cmd.name));
        const auto& def = *cmd.def->column_def;
        parser::TypeSpec old_type;
        if (const CatalogTable* known = ctx.catalog.FindTable(altered)) {
          if (const CatalogColumn* c = known->FindColumn(column)) old_type = c->type;
        }
        const parser::TypeSpec new_type = parser::TypeSpecOf(def.type_name);
        TypeChangeVerdict verdict = ClassifyTypeChange(old_type, new_type, def.raw_default, column);
        if (verdict.effect == TypeChangeEffect::kCatalogOnly) return;
        if (changed.empty()) location = parser::LocationOf(cmd.def);
        table = altered;
        changed.push_back({column, new_type, std::move(verdict)});
      });
  if (changed.empty()) return;
  const bool surely = std::any_of(changed.begin(), changed.end(), [](const Changed& c) {
    return c.verdict.effect == TypeChangeEffect::kRewrite;
  });
  const std::string t = SqlName(table);
  const std::string rewrites = surely ? " rewrites the table under ACCESS EXCLUSIVE: "
                                      : " may rewrite the table under ACCESS EXCLUSIVE: ";
  std::string message, adds, steps;
  std::vector<std::string> olds, news;
  if (changed.size() == 1) {
    message = "Changing " + t + "." + QuoteIdent(changed[0].column) + " to " +
              changed[0].new_type.ToString() + rewrites + changed[0].verdict.reason;
  } else {
    std::vector<std::string> targets;
    std::string reasons;
    for (const Changed& c : changed) {
      targets.push_back(QuoteIdent(c.column) + " to " + c.new_type.ToString());
      reasons += (reasons.empty() ? "" : "; ") + QuoteIdent(c.column) + ": " + c.verdict.reason;
    }
    message = "Changing " + std::to_string(changed.size()) + " columns of " + t + " (" +
              NameList(targets) + ")" + rewrites + reasons;
  }
  for (const Changed& c : changed) {
    const std::string replacement = QuoteIdent(c.column + "_new");
    olds.push_back(QuoteIdent(c.column));
    news.push_back(replacement);
    adds += "  ALTER TABLE " + t + " ADD COLUMN " + replacement + " " + c.new_type.ToString() +
            ";\n";
  }
  const bool one = changed.size() == 1;
  report.Add(message,
             std::string(one ? "Change it through a new column instead:\n"
                             : "Change them through new columns instead:\n") +
                 adds + "  -- keep " + NameList(news) + " in step with " + NameList(olds) +
                 " (trigger or application), backfill " + (one ? "it" : "them") +
                 " in batches (pgshift run),\n"
                 "  -- switch reads and writes to " + (one ? "it" : "them") +
                 ", then in a later release drop " + NameList(olds) + " and rename " +
                 NameList(news) + ".",
             LockText(ctx, table), location);
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
