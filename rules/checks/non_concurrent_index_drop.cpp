// DROP INDEX without CONCURRENTLY: ACCESS EXCLUSIVE on the index's table.
#include <string>
#include <vector>

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
        "CONCURRENTLY waits for those queries without blocking anyone. One statement that drops "
        "several indexes is one finding naming them all. An index on a table the same file drops "
        "later is judged at that drop, like the table's other locks. In a down migration an index "
        "its up migration built still counts: it was built and used since, and the drop locks "
        "its table, unless the up created the table too. An index on a partitioned table cannot "
        "be dropped concurrently: there the help bounds the wait instead.",
    .bad = "DROP INDEX users_email_idx;",
    .good = "DROP INDEX CONCURRENTLY users_email_idx;",
    .severity = Severity::kError,
};

// One finding per statement: dropping nine indexes at once is one hazard, and it names them all.
void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_DROP_STMT)) return;
  const auto& drop = *ctx.node()->drop_stmt;
  if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX || drop.concurrent) return;
  std::vector<std::string> names;
  std::vector<parser::QualifiedName> tables;
  // An index on a partitioned table: PostgreSQL cannot drop it concurrently.
  bool partitioned = false;
  for (std::size_t i = 0; i < drop.n_objects; ++i) {
    if (drop.objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    const parser::QualifiedName index =
        parser::NameOfList(parser::StringList(drop.objects[i]->list));
    if (ctx.AlreadyDropped(drop, index)) continue;
    const CatalogIndex* known = ctx.catalog.FindIndex(index);
    if (known != nullptr && ctx.IsNew(known->table)) continue;
    // An index new in this file or upgrade still locks its table when that table is in use, so
    // only a new index whose table is unknown is passed over.
    if (ctx.IsNew(index) && known == nullptr) continue;
    names.push_back(SqlName(index));
    tables.push_back(known != nullptr ? known->table : index);
    const CatalogTable* table = known != nullptr ? ctx.catalog.FindTable(known->table) : nullptr;
    partitioned = partitioned || (table != nullptr && table->partitioned);
  }
  if (names.empty()) return;
  if (partitioned) {
    report.Add("DROP INDEX " + NameList(names) +
                   " without CONCURRENTLY takes ACCESS EXCLUSIVE on " +
                   (names.size() == 1 ? "its table" : "their tables") + " and every partition",
               "An index on a partitioned table cannot be dropped concurrently (PostgreSQL refuses "
               "DROP INDEX CONCURRENTLY of it, and of each partition's index attached to it): "
               "bound the wait with SET lock_timeout = '2s' before it, retry when it times out, "
               "and run it when no long query reads the table.",
               LockTexts(ctx, tables));
    return;
  }
  const bool one = names.size() == 1;
  // CONCURRENTLY drops one index, without CASCADE, outside a transaction block.
  // Flyway runs a script of concurrent index builds and drops outside a transaction by itself.
  const bool leaves_transaction = ConcurrentlyTakesFileOutOfTransaction(ctx);
  const bool in_block = ctx.transaction().in_block && !leaves_transaction;
  const bool exact =
      drop.n_objects == 1 && drop.behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE && !in_block;
  const std::optional<Edit> edit =
      drop.n_objects == 1
          ? InsertAfterToken(ctx.statement(), PG_QUERY__TOKEN__INDEX, "CONCURRENTLY")
          : std::nullopt;
  std::string safe;
  if (edit) {
    safe = "  " + StatementWith(ctx.statement(), *edit) + ";";
  } else {
    for (const std::string& name : names) {
      safe += (safe.empty() ? "  " : "\n  ") + ("DROP INDEX CONCURRENTLY " + name + ";");
    }
  }
  Report& r = report.Add(
      "DROP INDEX " + NameList(names) + " without CONCURRENTLY takes ACCESS EXCLUSIVE on " +
          (one ? "its table" : "their tables"),
      (exact ? "Drop it concurrently" + std::string(kFixDoesThis) + ":\n"
             : std::string("Drop ") + (one ? "it" : "them") +
                   " concurrently, one index per statement, without CASCADE, "
                   "outside a transaction block:\n") +
          safe +
          (in_block             ? "\n" + OutsideTransactionAdvice(ctx)
           : leaves_transaction ? "\nIts migration tool (" + ctx.settings.migration_tool + ")" +
                                      " runs a script whose every statement is a concurrent index "
                                      "build or drop outside a transaction."
                                : ""),
      LockTexts(ctx, tables));
  if (exact && edit) r.fix = {*edit};
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
