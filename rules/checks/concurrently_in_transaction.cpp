// CONCURRENTLY inside a transaction block: PostgreSQL refuses it at run time.
#include "rules/fix_edits.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "concurrently-in-transaction",
    .summary =
        "CREATE/DROP/REINDEX ... CONCURRENTLY or DETACH ... CONCURRENTLY inside a transaction "
        "block",
    .rationale =
        "Concurrent index builds and drops, REINDEX CONCURRENTLY and DETACH PARTITION "
        "CONCURRENTLY commit several transactions of their own, so PostgreSQL refuses them "
        "inside a transaction block: the migration fails in production. This includes the block "
        "a migration tool opens around every file (Flyway, goose, diesel, Rails by default), and "
        "the implicit one PostgreSQL opens for a file sent as one query of several statements "
        "(golang-migrate, Prisma, and the others once their transaction is turned off). pgshift "
        "recognises the tool from the migration directory; `[history] tool` in pgshift.toml "
        "names it, `transactions` overrides how it wraps files. Inside a DO block, a function or "
        "a procedure they can never run, in a transaction or not, nor through EXECUTE: take "
        "them out to the top level.",
    .bad = "BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;",
    .good = "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    .severity = Severity::kError,
};

// The concurrent operation a statement performs, or empty.
std::string ConcurrentOperation(const parser::Node& node) {
  switch (node.node_case) {
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      return node.index_stmt->concurrent ? "CREATE INDEX CONCURRENTLY" : "";
    case PG_QUERY__NODE__NODE_DROP_STMT:
      return node.drop_stmt->concurrent ? "DROP INDEX CONCURRENTLY" : "";
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
      for (std::size_t i = 0; i < node.reindex_stmt->n_params; ++i) {
        const parser::Node* param = node.reindex_stmt->params[i];
        if (param->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
            parser::Str(param->def_elem->defname) == "concurrently") {
          return "REINDEX CONCURRENTLY";
        }
      }
      return "";
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      for (std::size_t i = 0; i < node.alter_table_stmt->n_cmds; ++i) {
        const parser::Node* cmd = node.alter_table_stmt->cmds[i];
        if (cmd->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
        const auto* def = cmd->alter_table_cmd->def;
        if (cmd->alter_table_cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition &&
            def != nullptr && def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD &&
            def->partition_cmd->concurrent) {
          return "DETACH PARTITION CONCURRENTLY";
        }
      }
      return "";
    default:
      return "";
  }
}

// What a nested statement is written in: "DO block", "function" or "procedure".
std::string Container(const StatementContext& ctx) {
  const parser::Node* parent = ctx.file.statements[ctx.statement().parent].node;
  if (parent != nullptr && parent->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
    return parent->create_function_stmt->is_procedure ? "procedure" : "function";
  }
  return "DO block";
}

void Check(const StatementContext& ctx, Reporter& report) {
  if (ctx.node() == nullptr || !ctx.transaction().in_block) return;
  const std::string operation = ConcurrentOperation(*ctx.node());
  if (operation.empty()) return;
  if (ctx.statement().nested()) {
    // PostgreSQL refuses it from any function context, whatever the transaction: ending the
    // transaction would not help, so the advice differs.
    const std::string container = Container(ctx);
    const std::string condition =
        ctx.Is(PG_QUERY__NODE__NODE_INDEX_STMT)  ? "`CREATE INDEX CONCURRENTLY IF NOT EXISTS`, or "
        : ctx.Is(PG_QUERY__NODE__NODE_DROP_STMT) ? "`DROP INDEX CONCURRENTLY IF EXISTS`, or "
                                                 : "";
    report.Add(operation + " cannot run inside a " + container +
                   " (PostgreSQL refuses it from any function, DO block or procedure)",
               "Take it out of the " + container +
                   " and run it as a top-level statement of its own, outside a transaction "
                   "block; EXECUTE does not get around this. A condition the " +
                   container + " tested becomes " + condition +
                   "a check in the deploy script before it runs the statement.");
    return;
  }
  const bool wrapped_by_tool = ctx.settings.transactions != TransactionWrapping::kNone;
  const std::string tool =
      ctx.settings.migration_tool.empty() ? "the migration tool" : ctx.settings.migration_tool;
  const std::string how =
      ctx.settings.transactions == TransactionWrapping::kOneQuery
          ? " (" + tool + " sends this file as one query: PostgreSQL runs its statements as one "
                          "transaction)"
          : " (" + tool + " runs this file in one)";
  report.Add(operation + " cannot run inside a transaction block" + (wrapped_by_tool ? how : ""),
             OutsideTransactionAdvice(ctx));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
