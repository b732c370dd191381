// VALIDATE CONSTRAINT in the same transaction as the NOT VALID add of that constraint.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "validate-in-same-transaction",
    .summary =
        "VALIDATE CONSTRAINT in the same transaction as the ADD CONSTRAINT ... NOT VALID it "
        "validates",
    .rationale =
        "NOT VALID exists to split a constraint into an instant add and a validation that blocks "
        "nobody. In one transaction the split is lost: the add's lock (ACCESS EXCLUSIVE for a "
        "CHECK, SHARE ROW EXCLUSIVE on both tables for a foreign key) is still held while "
        "VALIDATE scans every row. A migration tool that wraps the file in a transaction does "
        "this too. Commit in between, or validate in the next migration.",
    .bad =
        "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES "
        "users (id) NOT VALID;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nCOMMIT;",
    .good =
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users "
        "(id) NOT VALID;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
    .severity = Severity::kError,
};

// The statement earlier in the transaction that added `name` NOT VALID to `table`.
std::optional<std::size_t> AddedNotValid(const StatementContext& ctx,
                                         const parser::QualifiedName& table,
                                         std::string_view name) {
  for (std::size_t i = TransactionStart(ctx.facts.transactions, ctx.index); i < ctx.index; ++i) {
    const parser::Node* node = ctx.file.statements[i].node;
    if (node == nullptr || node->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT ||
        !parser::NameOf(node->alter_table_stmt->relation).Matches(table)) {
      continue;
    }
    for (std::size_t k = 0; k < node->alter_table_stmt->n_cmds; ++k) {
      const parser::Node* cmd = node->alter_table_stmt->cmds[k];
      if (cmd->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
      const auto* def = cmd->alter_table_cmd->def;
      if (cmd->alter_table_cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint &&
          def != nullptr && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
          def->constraint->skip_validation && parser::Str(def->constraint->conname) == name) {
        return i;
      }
    }
  }
  return std::nullopt;
}

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.transaction().in_block) return;
  ForEachAlterCommand(ctx, [&](const parser::QualifiedName& table,
                               const PgQuery__AlterTableCmd& cmd) {
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint || ctx.IsNew(table))
      return;
    const std::string_view name = parser::Str(cmd.name);
    const std::optional<std::size_t> added = AddedNotValid(ctx, table, name);
    if (!added) return;
    std::string held;
    for (const TableLock& lock : ctx.facts.LocksWithFile(*added)) {
      if (!lock.new_table)
        held += (held.empty() ? "" : ", ") + std::string(LockModeName(lock.mode)) + " on " +
                SqlName(lock.table);
    }
    report.Add(
        "VALIDATE CONSTRAINT " + QuoteIdent(name) +
            " runs in the same transaction as its NOT VALID add (line " +
            std::to_string(ctx.facts.lines[*added]) + "): " + (held.empty() ? "its lock" : held) +
            " stays held through the whole validation",
        std::string(
            ctx.settings.transactions == TransactionWrapping::kPerFile
                ? "Move the VALIDATE to the next migration file: the tool runs this file in one "
                  "transaction."
                : "COMMIT after the NOT VALID add, and validate in a transaction of its own."),
        LockText(ctx, table));
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
