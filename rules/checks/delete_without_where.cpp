// DELETE without WHERE on an existing table: every row goes.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "delete-without-where",
    .summary = "DELETE without WHERE on an existing table",
    .rationale =
        "A DELETE with no WHERE removes every row of a live table in one transaction: the data "
        "is gone, every deleted row stays locked (writers of those rows wait) until the end, "
        "and on a large table the transaction runs for long, bloats the table and holds back "
        "vacuum. A migration that means to remove some rows should say which; one that means "
        "all of them should say why, and batch the work.",
    .bad = "DELETE FROM audit_log;",
    .good = "DELETE FROM audit_log WHERE created_at < now() - interval '90 days';",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_DELETE_STMT)) return;
  const auto& del = *ctx.node()->delete_stmt;
  if (del.where_clause != nullptr || del.relation == nullptr) return;
  const parser::QualifiedName table = parser::NameOf(del.relation);
  if (ctx.IsNew(table)) return;
  const std::string t = SqlName(table);
  report.Add("DELETE without WHERE removes every row of " + t + " in one transaction",
             "Say which rows go, and delete in batches, each its own short transaction:\n"
             "  DELETE FROM " +
                 t + " WHERE <key> IN (SELECT <key> FROM " + t +
                 " WHERE <condition> LIMIT 10000);\n"
                 "If every row must go, say why: -- pgshift-ignore delete-without-where: <reason>",
             LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
