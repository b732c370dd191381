// ATTACH PARTITION of an existing table without a validated CHECK that proves the bound: the
// partition is scanned under ACCESS EXCLUSIVE.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "attach-partition-without-check",
    .summary =
        "ALTER TABLE ... ATTACH PARTITION of an existing table without a validated CHECK matching "
        "the bound",
    .rationale =
        "ATTACH PARTITION scans the table being attached to prove every row fits the partition "
        "bound, holding ACCESS EXCLUSIVE on it (and, before PostgreSQL 12, on the partitioned "
        "table too). A validated CHECK constraint on the partition key that implies the bound "
        "lets PostgreSQL skip the scan: add it NOT VALID, validate it (SHARE UPDATE EXCLUSIVE, "
        "reads and writes go on), attach, then drop it. pgshift takes a validated CHECK on the "
        "partition key columns as the proof; it does not compare the bounds themselves.",
    .bad =
        "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO "
        "('2025-01-01');",
    .good =
        "ALTER TABLE events_2024 ADD CONSTRAINT events_2024_bound\n"
        "  CHECK (at >= '2024-01-01' AND at < '2025-01-01') NOT VALID;\n"
        "ALTER TABLE events_2024 VALIDATE CONSTRAINT events_2024_bound;\n"
        "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO "
        "('2025-01-01');",
    .severity = Severity::kWarning,
};

void Check(const StatementContext& ctx, Reporter& report) {
  for (const TableLock& lock : ctx.locks()) {
    if (lock.form != Form::kAttachedPartition || lock.new_table) continue;
    const std::string p = SqlName(lock.table);
    const std::string check = QuoteIdent(lock.table.name + "_partition_bound");
    // Before PostgreSQL 12 the partitioned table is locked ACCESS EXCLUSIVE for the scan too.
    std::string parent;
    for (const TableLock& other : ctx.locks()) {
      if (other.form == Form::kAttachPartition && other.mode == LockMode::kAccessExclusive) {
        parent = ", and " + SqlName(other.table) + " with it (before PostgreSQL 12)";
      }
    }
    report.Add(
        "ATTACH PARTITION scans " + p + " under ACCESS EXCLUSIVE to prove its rows fit the bound" +
            parent,
        "Prove the bound first with a CHECK on the partition key, validated without blocking:\n"
        "  ALTER TABLE " +
            p + " ADD CONSTRAINT " + check +
            " CHECK (<the bound on the key>) NOT VALID;\n"
            "  ALTER TABLE " +
            p + " VALIDATE CONSTRAINT " + check +
            ";\n"
            "  -- then ATTACH PARTITION (no scan), and ALTER TABLE " +
            p + " DROP CONSTRAINT " + check + ";",
        LockText(ctx, lock.table), lock.location);
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
