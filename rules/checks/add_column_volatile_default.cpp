// ADD COLUMN with a volatile default (or, before PostgreSQL 11, any default) on an existing table:
// every row is written, under ACCESS EXCLUSIVE.
#include <algorithm>
#include <string>
#include <vector>

#include "rules/analysis/column_forms.h"
#include "rules/analysis/volatility.h"
#include "rules/fix_edits.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "add-column-volatile-default",
    .summary =
        "ADD COLUMN with a volatile DEFAULT (any DEFAULT before PostgreSQL 11) on an existing "
        "table",
    .rationale =
        "From PostgreSQL 11 a constant or stable default (0, 'free', now(), CURRENT_TIMESTAMP) "
        "is stored once in the catalog and the column appears instantly. A volatile default "
        "(gen_random_uuid(), clock_timestamp(), random(), nextval()) must be computed for every "
        "row, so the table is rewritten under ACCESS EXCLUSIVE: no reads, no writes until it "
        "ends. Before 11, every non-NULL default rewrites. Add the column without a default, "
        "set the default for new rows (instant), and backfill the existing rows in batches. One "
        "statement that adds several such columns is one finding naming them all.",
    .bad = "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();",
    .good =
        "ALTER TABLE orders ADD COLUMN public_id uuid;\n"
        "ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();\n"
        "-- backfill existing rows in batches, e.g. with pgshift run",
    .severity = Severity::kError,
};

// One finding per statement: several columns added at once are one rewrite, named together.
void Check(const StatementContext& ctx, Reporter& report) {
  parser::QualifiedName rewritten;
  std::vector<std::string> columns, whys;
  std::string add, set_default, not_null;
  int location = -1;
  ForEachAlterCommand(ctx, [&](const parser::QualifiedName& table,
                               const PgQuery__AlterTableCmd& cmd) {
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn || cmd.def == nullptr ||
        cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF || ctx.IsNew(table)) {
      return;
    }
    const auto& column = *cmd.def->column_def;
    const Form form = ClassifyAddColumn(column, ctx.pg_version());
    const parser::Node* value = ColumnDefault(column);
    // Serial, identity and generated columns are add-serial-or-generated-column's.
    const bool fills_itself =
        IsSerialType(parser::TypeSpecOf(column.type_name).name) || value == nullptr;
    if (fills_itself) return;
    const VolatilityVerdict volatility = VolatilityOf(value);
    std::string why;
    if (form == Form::kAddColumnVolatileDefault && volatility.volatility == Volatility::kVolatile) {
      why = "its default " + volatility.because + " is volatile: every row gets its own value";
    } else if (form == Form::kAddColumnConstantDefault &&
               LockFor(form, ctx.pg_version()).work == TableWork::kRewrite) {
      why = "before PostgreSQL 11 any default is written into every row";
    } else {
      return;
    }
    const std::string t = SqlName(table);
    const std::string col = QuoteIdent(parser::Str(column.colname));
    // The expression as written: the tokens after the DEFAULT keyword.
    std::optional<std::string> expression;
    for (std::size_t i = 0; i < column.n_constraints && !expression; ++i) {
      const parser::Node* node = column.constraints[i];
      if (node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
          node->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT &&
          node->constraint->location >= 0) {
        expression = ExpressionText(ctx.statement(), node->constraint->location + 1);
      }
    }
    add += "\n  ALTER TABLE " + t + " ADD COLUMN " + col + " " +
           parser::TypeSpecOf(column.type_name).ToString() + ";";
    set_default += "\n  ALTER TABLE " + t + " ALTER COLUMN " + col + " SET DEFAULT " +
                   expression.value_or("<default>") + ";";
    if (ColumnIsNotNull(column)) {
      const std::string check =
          QuoteIdent(table.name + "_" + std::string(parser::Str(column.colname)) + "_not_null");
      not_null += "\n  ALTER TABLE " + t + " ADD CONSTRAINT " + check + " CHECK (" + col +
                  " IS NOT NULL) NOT VALID;"
                  "\n  ALTER TABLE " +
                  t + " VALIDATE CONSTRAINT " + check +
                  ";"
                  "\n  ALTER TABLE " +
                  t + " ALTER COLUMN " + col + " SET NOT NULL;";
    }
    if (columns.empty()) location = parser::LocationOf(cmd.def);
    rewritten = table;
    columns.push_back(col);
    whys.push_back(why);
  });
  if (columns.empty()) return;
  const bool one = columns.size() == 1;
  std::string why = whys[0];
  if (!one && std::count(whys.begin(), whys.end(), whys[0]) != static_cast<long>(whys.size())) {
    why.clear();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      why += (i == 0 ? "" : "; ") + columns[i] + ": " + whys[i];
    }
  }
  const std::string help =
      std::string("Add ") + (one ? "it" : "them") +
      " without a default, give new rows the default, backfill the rest in batches:" + add +
      set_default +
      "\n  -- backfill existing rows in batches (pgshift run), in their own transactions" +
      not_null;
  report.Add("ADD COLUMN " + NameList(columns) + " rewrites " + SqlName(rewritten) +
                 " under ACCESS EXCLUSIVE: " + why,
             help, LockText(ctx, rewritten), location);
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
