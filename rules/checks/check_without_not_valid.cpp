// ADD CONSTRAINT ... CHECK without NOT VALID on an existing table.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "check-without-not-valid",
    .summary = "ADD CONSTRAINT ... CHECK on an existing table without NOT VALID",
    .rationale =
        "Adding a CHECK constraint scans every row to validate it while holding ACCESS "
        "EXCLUSIVE: no reads and no writes until the scan ends. Add it NOT VALID (instant), "
        "then VALIDATE CONSTRAINT in a later transaction under SHARE UPDATE EXCLUSIVE, which "
        "blocks neither reads nor writes.",
    .bad = "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);",
    .good = "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;\n"
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint || cmd.def == nullptr ||
        cmd.def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT || ctx.IsNew(table)) {
      return;
    }
    const auto& c = *cmd.def->constraint;
    if (c.contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK || c.skip_validation) return;
    const std::string t = table.ToString();
    const std::string name = c.conname != nullptr ? QuoteIdent(c.conname) : std::string("<constraint>");
    std::string added(ctx.statement().text);
    while (!added.empty() && (added.back() == ';' || std::isspace(static_cast<unsigned char>(added.back())))) {
      added.pop_back();
    }
    const std::string help =
        ctx.node()->alter_table_stmt->n_cmds == 1
            ? "Add it NOT VALID, then validate in a separate transaction:\n  " + added +
                  " NOT VALID;\n  ALTER TABLE " + t + " VALIDATE CONSTRAINT " + name + ";"
            : "Add the CHECK NOT VALID, then ALTER TABLE " + t + " VALIDATE CONSTRAINT " + name +
                  " in a separate transaction.";
    report.Add("Adding a CHECK constraint on " + t + " validates every row under ACCESS EXCLUSIVE",
               help, LockText(ctx, table), c.location);
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
