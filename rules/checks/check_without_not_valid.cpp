// ADD CONSTRAINT ... CHECK without NOT VALID on an existing table, and ADD COLUMN with an inline
// CHECK (which cannot be NOT VALID).
#include "parser/tokens.h"
#include "rules/fix_edits.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "check-without-not-valid",
    .summary =
        "ADD CONSTRAINT ... CHECK (or ADD COLUMN ... CHECK) on an existing table without NOT VALID",
    .rationale =
        "Adding a CHECK constraint scans every row to validate it while holding ACCESS "
        "EXCLUSIVE: no reads and no writes until the scan ends. An inline CHECK on a new column "
        "scans too, even when the column is all NULL. Add it NOT VALID (instant: only new rows "
        "are checked), then VALIDATE CONSTRAINT in a later transaction under SHARE UPDATE "
        "EXCLUSIVE, which blocks neither reads nor writes. `pgshift lint --fix` makes that "
        "change for a named constraint.",
    .bad = "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);",
    .good =
        "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;",
    .severity = Severity::kError,
};

void CheckConstraint(const StatementContext& ctx, Reporter& report,
                     const parser::QualifiedName& table, const PgQuery__Constraint& c) {
  const std::string t = SqlName(table);
  NotValidAdvice advice = AddNotValidThenValidate(ctx, table, c);
  Report& r = report.Add(
      "Adding a CHECK constraint on " + t + " validates every row under ACCESS EXCLUSIVE",
      std::move(advice.help), LockText(ctx, table), c.location);
  r.whole_item = true;
  r.fix = std::move(advice.fix);
}

void InlineCheck(const StatementContext& ctx, Reporter& report, const parser::QualifiedName& table,
                 const PgQuery__ColumnDef& column, const PgQuery__Constraint& c, int location) {
  const std::string t = SqlName(table);
  const std::string col = QuoteIdent(parser::Str(column.colname));
  const std::string name =
      !parser::Str(c.conname).empty()
          ? QuoteIdent(c.conname)
          : QuoteIdent(table.name + "_" + std::string(parser::Str(column.colname)) + "_check");
  // From the CHECK keyword: a named constraint's text starts at CONSTRAINT <name>.
  int check_at = c.location;
  if (const auto tokens = parser::ScanTokens(ctx.statement().text)) {
    for (const parser::Token& token : *tokens) {
      if (token.begin < static_cast<std::size_t>(c.location) ||
          token.kind != PG_QUERY__TOKEN__CHECK)
        continue;
      check_at = static_cast<int>(token.begin);
      break;
    }
  }
  const std::string expression =
      TextThroughParentheses(ctx.statement(), check_at).value_or("CHECK (...)");
  // The statement as written without the CHECK: its default and other constraints stay.
  std::string without = "ALTER TABLE " + t + " ADD COLUMN " + col + " " +
                        parser::TypeSpecOf(column.type_name).ToString();
  // Only for a statement that adds this one column: with several, the others' CHECKs would stay.
  const bool one_command =
      ctx.Is(PG_QUERY__NODE__NODE_ALTER_TABLE_STMT) && ctx.node()->alter_table_stmt->n_cmds == 1;
  const std::optional<std::string> check =
      one_command ? TextThroughParentheses(ctx.statement(), c.location) : std::nullopt;
  if (check) {
    std::string text(ctx.statement().text);
    std::size_t begin = static_cast<std::size_t>(c.location);
    while (begin > 0 &&
           (text[begin - 1] == ' ' || text[begin - 1] == '\t' || text[begin - 1] == '\n'))
      --begin;
    text.erase(begin, static_cast<std::size_t>(c.location) + check->size() - begin);
    without = std::move(text);
  }
  report
      .Add("ADD COLUMN " + col + " with a CHECK validates every row of " + t +
               " under ACCESS EXCLUSIVE",
           "Add the column without the CHECK, then add the CHECK NOT VALID and validate it in a "
           "later transaction:\n  " +
               without + ";\n  ALTER TABLE " + t + " ADD CONSTRAINT " + name + " " + expression +
               " NOT VALID;\n  ALTER TABLE " + t + " VALIDATE CONSTRAINT " + name + ";",
           LockText(ctx, table), location)
      .whole_item = true;
}

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (cmd.def == nullptr || ctx.IsNew(table)) return;
        if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint &&
            cmd.def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
          const auto& c = *cmd.def->constraint;
          if (c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK && !c.skip_validation)
            CheckConstraint(ctx, report, table, c);
          return;
        }
        if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn ||
            cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) {
          return;
        }
        const auto& column = *cmd.def->column_def;
        for (std::size_t i = 0; i < column.n_constraints; ++i) {
          const parser::Node* node = column.constraints[i];
          if (node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
              node->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
            InlineCheck(ctx, report, table, column, *node->constraint, node->constraint->location);
          }
        }
      });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
