// DETACH PARTITION without CONCURRENTLY: ACCESS EXCLUSIVE on the partitioned table (PostgreSQL 14+
// has a concurrent form).
#include "rules/fix_edits.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "non-concurrent-detach-partition",
    .summary = "ALTER TABLE ... DETACH PARTITION without CONCURRENTLY",
    .rationale =
        "DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table and the partition. "
        "The detach itself is quick, but the lock request waits behind every running query on "
        "any partition, and every query arriving after it queues behind the lock. From "
        "PostgreSQL 14, DETACH PARTITION ... CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE on "
        "the parent; it must run outside a transaction block, and not while the table has a "
        "default partition.",
    .bad = "ALTER TABLE events DETACH PARTITION events_2019;",
    .good = "ALTER TABLE events DETACH PARTITION events_2019 CONCURRENTLY;",
    .min_pg_version = 14,
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition || ctx.IsNew(table) ||
            cmd.def == nullptr || cmd.def->node_case != PG_QUERY__NODE__NODE_PARTITION_CMD ||
            cmd.def->partition_cmd->concurrent) {
          return;
        }
        const parser::QualifiedName partition = parser::NameOf(cmd.def->partition_cmd->name);
        const std::optional<Edit> edit =
            InsertAtClauseEnd(ctx.statement(), parser::LocationOf(cmd.def), "CONCURRENTLY");
        report.Add(
            "DETACH PARTITION " + SqlName(partition) +
                " without CONCURRENTLY takes ACCESS EXCLUSIVE on " + SqlName(table),
            std::string(
                "Detach it concurrently, as a statement of its own outside any transaction block "
                "(not possible while the table has a default partition):\n  ") +
                (edit ? StatementWith(ctx.statement(), *edit)
                      : "ALTER TABLE " + SqlName(table) + " DETACH PARTITION " +
                            SqlName(partition) + " CONCURRENTLY") +
                ";",
            LockText(ctx, table));
      });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
