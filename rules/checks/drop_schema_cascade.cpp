// DROP SCHEMA ... CASCADE: every object in the schema goes, data included.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "drop-schema-cascade",
    .summary = "DROP SCHEMA ... CASCADE on an existing schema",
    .rationale =
        "CASCADE drops every table, view, function and type in the schema, with their data, and "
        "whatever elsewhere depends on them, without listing any of it: one statement can empty "
        "a production database. Without CASCADE PostgreSQL refuses to drop a schema that is not "
        "empty, which is the safe default: drop its objects one by one, each a visible contract "
        "change, then the empty schema.",
    .bad = "DROP SCHEMA reporting CASCADE;",
    .good =
        "DROP VIEW reporting.daily_totals;\n"
        "DROP SCHEMA reporting;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_DROP_STMT)) return;
  const auto& drop = *ctx.node()->drop_stmt;
  if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA ||
      drop.behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
    return;
  }
  for (const std::string& schema : parser::StringList(drop.objects, drop.n_objects)) {
    if (ctx.catalog.IsNewSchema(schema)) continue;
    report.Add("DROP SCHEMA " + QuoteIdent(schema) +
                   " CASCADE drops every object in it, and everything that depends on them, "
                   "with their data",
               "Drop the schema's objects one by one (each a contract change of its own), then "
               "the empty schema without CASCADE:\n"
               "  DROP SCHEMA " +
                   QuoteIdent(schema) + ";");
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
