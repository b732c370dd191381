// DROP TABLE on an existing table: backward-incompatible, and data loss.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "drop-table",
    .summary = "DROP TABLE on an existing table",
    .rationale =
        "Any query of the still-running application version that touches the table fails, and "
        "the data is gone for good: a rollback of the code cannot bring it back. CASCADE also "
        "drops the views and foreign keys that depend on the table, silently. Drop a table only "
        "in a contract step, after no deployed code reads it (and after a backup, or a rename "
        "to a holding name for one release). A table created earlier in the same file is empty "
        "and unknown to deployed code, so dropping it is quiet.",
    .bad = "DROP TABLE audit_events;",
    .good =
        "-- release N: remove every use of audit_events\n"
        "-- release N+1:\n"
        "-- pgshift-ignore drop-table: unused since release N, backed up\n"
        "DROP TABLE audit_events;",
    .severity = Severity::kError,
    .contract_change = true,
};

void Check(const StatementContext& ctx, Reporter& report) {
  // The release rules judge it on the evidence of the code that runs during the deploy.
  if (ctx.settings.ContractJudgedByRelease()) return;
  if (!ctx.Is(PG_QUERY__NODE__NODE_DROP_STMT)) return;
  const auto& drop = *ctx.node()->drop_stmt;
  if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
  const bool cascade = drop.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  for (std::size_t i = 0; i < drop.n_objects; ++i) {
    if (drop.objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    const parser::QualifiedName table = parser::NameOfList(parser::StringList(drop.objects[i]->list));
    if (ctx.IsNew(table) || ctx.AlreadyDropped(drop, table)) continue;
    report.Add(
        "Dropping table " + table.ToString() +
            " breaks the application version still running if it uses it, and loses its data" +
            (cascade ? "; CASCADE also drops the views and foreign keys that depend on it" : ""),
        "Retire every use of " + table.ToString() +
            " in an earlier release; drop it in a contract step and say so with "
            "-- pgshift-ignore drop-table: <reason>. To keep the data one release longer:\n"
            "  ALTER TABLE " +
            table.ToString() + " RENAME TO " + QuoteIdent(table.name + "_retired") + ";",
        LockText(ctx, table));
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
