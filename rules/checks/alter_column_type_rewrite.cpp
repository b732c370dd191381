// ALTER COLUMN ... TYPE that is not binary-coercible: the table and its indexes are rewritten.
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
        "any other USING are rewrites (checked against PostgreSQL 15). When the old type is not "
        "known (the table was created outside the linted files), a change that could go either "
        "way is reported as a possible rewrite. The online way is a new column: add it, keep "
        "both in step (trigger or application), backfill in batches, switch, drop the old one.",
    .bad = "ALTER TABLE events ALTER COLUMN id TYPE bigint;",
    .good =
        "ALTER TABLE events ADD COLUMN id_new bigint;\n"
        "-- keep id_new in step with id (trigger), backfill in batches, then switch and drop id",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType || cmd.def == nullptr ||
            cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF || ctx.IsNew(table)) {
          return;
        }
        const std::string column(parser::Str(cmd.name));
        const auto& def = *cmd.def->column_def;
        parser::TypeSpec old_type;
        if (const CatalogTable* known = ctx.catalog.FindTable(table)) {
          if (const CatalogColumn* c = known->FindColumn(column)) old_type = c->type;
        }
        const parser::TypeSpec new_type = parser::TypeSpecOf(def.type_name);
        const TypeChangeVerdict verdict =
            ClassifyTypeChange(old_type, new_type, def.raw_default, column);
        if (verdict.effect == TypeChangeEffect::kCatalogOnly) return;
        const std::string t = SqlName(table);
        const std::string c = QuoteIdent(column);
        const std::string replacement = QuoteIdent(column + "_new");
        report.Add("Changing " + t + "." + column + " to " + new_type.ToString() +
                       (verdict.effect == TypeChangeEffect::kRewrite
                            ? " rewrites the table under ACCESS EXCLUSIVE: "
                            : " may rewrite the table under ACCESS EXCLUSIVE: ") +
                       verdict.reason,
                   "Change it through a new column instead:\n"
                   "  ALTER TABLE " +
                       t + " ADD COLUMN " + replacement + " " + new_type.ToString() +
                       ";\n"
                       "  -- keep " +
                       replacement + " in step with " + c +
                       " (trigger or application), backfill it in "
                       "batches (pgshift run),\n"
                       "  -- switch reads and writes to it, then in a later release drop " +
                       c + " and rename " + replacement + ".",
                   LockText(ctx, table), parser::LocationOf(cmd.def));
      });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
