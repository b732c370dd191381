// TRUNCATE of an existing table: all its rows are gone, and CASCADE empties more tables.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "truncate-table",
    .summary = "TRUNCATE on an existing table",
    .rationale =
        "TRUNCATE deletes every row at once, with no WHERE to narrow it and no way back once "
        "committed; CASCADE also empties every table whose foreign keys point at it, which the "
        "statement does not name. It takes ACCESS EXCLUSIVE, so the application can neither "
        "read nor write the table until the transaction ends. A migration rarely means this for "
        "a live table: if it does, back the data up first and name every table explicitly.",
    .bad = "TRUNCATE sessions CASCADE;",
    .good =
        "-- the rows are disposable, and nothing references sessions:\n"
        "-- pgshift-ignore truncate-table: sessions are recreated at login\n"
        "TRUNCATE sessions;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_TRUNCATE_STMT)) return;
  const auto& truncate = *ctx.node()->truncate_stmt;
  const bool cascade = truncate.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  for (std::size_t i = 0; i < truncate.n_relations; ++i) {
    const parser::Node* relation = truncate.relations[i];
    if (relation->node_case != PG_QUERY__NODE__NODE_RANGE_VAR) continue;
    const parser::QualifiedName table = parser::NameOf(relation->range_var);
    if (ctx.IsNew(table)) continue;
    const std::string t = SqlName(table);
    report.Add("TRUNCATE deletes every row of " + t +
                   (cascade ? ", and CASCADE also empties every table that references it" : ""),
               std::string(cascade ? "Name every table to empty instead of CASCADE. " : "") +
                   "If the rows are really disposable, back them up and say so:\n"
                   "  CREATE TABLE " +
                   QuoteIdent(table.name + "_backup") + " AS TABLE " + t +
                   ";\n"
                   "  -- pgshift-ignore truncate-table: <why the rows can go>",
               LockText(ctx, table), relation->range_var->location);
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
