// DROP INDEX without CONCURRENTLY: ACCESS EXCLUSIVE on the index's table.
#include "rules/fix_edits.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "non-concurrent-index-drop",
    .summary = "DROP INDEX without CONCURRENTLY on an existing index",
    .rationale =
        "DROP INDEX takes ACCESS EXCLUSIVE on the index's table. The drop itself is quick, but "
        "the lock request waits behind any running query on the table, and every query that "
        "arrives after it queues behind the lock: a long report turns into an outage. DROP INDEX "
        "CONCURRENTLY waits for those queries without blocking anyone.",
    .bad = "DROP INDEX users_email_idx;",
    .good = "DROP INDEX CONCURRENTLY users_email_idx;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_DROP_STMT)) return;
  const auto& drop = *ctx.node()->drop_stmt;
  if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX || drop.concurrent) return;
  for (std::size_t i = 0; i < drop.n_objects; ++i) {
    if (drop.objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    const parser::QualifiedName index =
        parser::NameOfList(parser::StringList(drop.objects[i]->list));
    if (ctx.IsNew(index) || ctx.AlreadyDropped(drop, index)) continue;
    const CatalogIndex* known = ctx.catalog.FindIndex(index);
    // CONCURRENTLY drops one index, without CASCADE, outside a transaction block.
    const bool exact = drop.n_objects == 1 &&
                       drop.behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE &&
                       !ctx.transaction().in_block;
    const std::optional<Edit> edit =
        drop.n_objects == 1
            ? InsertAfterToken(ctx.statement(), PG_QUERY__TOKEN__INDEX, "CONCURRENTLY")
            : std::nullopt;
    const std::string safe = edit && drop.n_objects == 1
                                 ? StatementWith(ctx.statement(), *edit)
                                 : "DROP INDEX CONCURRENTLY " + index.ToString();
    Report& r = report.Add(
        "DROP INDEX " + index.ToString() +
            " without CONCURRENTLY takes ACCESS EXCLUSIVE on its table",
        std::string(
            exact ? "Drop it concurrently (pgshift lint --fix does this):\n  "
                  : "Drop it concurrently, one index per statement, without CASCADE, outside a "
                    "transaction block:\n  ") +
            safe + ";" + (ctx.transaction().in_block ? "\n" + OutsideTransactionAdvice(ctx) : ""),
        LockText(ctx, known != nullptr ? known->table : index));
    if (exact && edit) r.fix = {*edit};
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
