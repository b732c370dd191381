// ADD FOREIGN KEY without NOT VALID on an existing table, and ADD COLUMN ... DEFAULT ...
// REFERENCES, which validates every row the same way.
#include "rules/analysis/catalog.h"
#include "rules/fix_edits.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "foreign-key-without-not-valid",
    .summary =
        "ADD FOREIGN KEY (or ADD COLUMN ... DEFAULT ... REFERENCES) on an existing table without "
        "NOT VALID",
    .rationale =
        "Adding a foreign key checks every existing row while holding SHARE ROW EXCLUSIVE on "
        "both tables: writes to both wait for the whole scan. Add it NOT VALID (instant: only "
        "new rows are checked), then VALIDATE CONSTRAINT in a later transaction, which takes "
        "SHARE UPDATE EXCLUSIVE on the table and ROW SHARE on the referenced one and lets reads "
        "and writes go on. `pgshift lint --fix` makes that change for a named constraint. A new "
        "column with REFERENCES and no default is all NULL, so nothing is validated (checked "
        "against PostgreSQL 15): that form is not flagged; with a default every row is checked. "
        "A table created earlier in the file is seen by nobody else and is not flagged, unless "
        "rows were copied into it from other tables (CREATE TABLE AS, INSERT ... SELECT, COPY): "
        "then the validation scans them all while writes to the referenced table wait.",
    .bad =
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users "
        "(id);",
    .good =
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users "
        "(id) NOT VALID;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
    .severity = Severity::kError,
};

// "orders and users": the tables whose writes a validating foreign key blocks; one name when the
// key refers to its own table (a tree's parent_id).
std::string BlockedTables(const parser::QualifiedName& table, const std::string& table_text,
                          const PgQuery__RangeVar* referenced, const std::string& referenced_text) {
  return parser::NameOf(referenced).Matches(table) ? table_text
                                                   : table_text + " and " + referenced_text;
}

void AddForeignKey(const StatementContext& ctx, Reporter& report,
                   const parser::QualifiedName& table, const PgQuery__Constraint& c) {
  const std::string t = SqlName(table);
  const std::string referenced = SqlName(parser::NameOf(c.pktable));
  NotValidAdvice advice = AddNotValidThenValidate(ctx, table, c);
  // A table this file created and filled is seen by nobody else; the referenced one is.
  const std::string message =
      ctx.IsNew(table)
          ? "Adding a foreign key on " + t +
                ", new but filled from other tables in this file, validates every "
                "row while blocking writes to " +
                referenced
          : "Adding a foreign key on " + t + " validates every row while blocking writes to " +
                BlockedTables(table, t, c.pktable, referenced);
  Report& r = report.Add(message, std::move(advice.help), LockText(ctx, table), c.location);
  r.whole_item = true;
  r.fix = std::move(advice.fix);
}

void AddColumnReferences(const StatementContext& ctx, Reporter& report,
                         const parser::QualifiedName& table, const PgQuery__ColumnDef& column,
                         const PgQuery__Constraint& c) {
  const std::string t = SqlName(table);
  const std::string col = QuoteIdent(parser::Str(column.colname));
  const std::string target = SqlName(parser::NameOf(c.pktable));
  const std::string name =
      !parser::Str(c.conname).empty()
          ? QuoteIdent(c.conname)
          : QuoteIdent(table.name + "_" + std::string(parser::Str(column.colname)) + "_fkey");
  const std::string references =
      TextThroughParentheses(ctx.statement(), c.location).value_or("REFERENCES " + target);
  report
      .Add("ADD COLUMN " + col + " with a default and REFERENCES " + target +
               " validates every row while blocking writes to " +
               BlockedTables(table, t, c.pktable, target),
           "Add the column, then the foreign key NOT VALID, then validate it in a later "
           "transaction:\n"
           "  ALTER TABLE " +
               t + " ADD COLUMN " + col + " " + parser::TypeSpecOf(column.type_name).ToString() +
               " DEFAULT ...;\n"
               "  ALTER TABLE " +
               t + " ADD CONSTRAINT " + name + " FOREIGN KEY (" + col + ") " + references +
               " NOT VALID;\n"
               "  ALTER TABLE " +
               t + " VALIDATE CONSTRAINT " + name + ";",
           LockText(ctx, table), c.location)
      .whole_item = true;
}

// A new table already holding rows read from other tables: validating a foreign key on it takes
// as long as any scan, under a lock on the referenced table. One dropped later stays quiet.
bool FilledInThisFile(const StatementContext& ctx, const parser::QualifiedName& table) {
  const CatalogTable* created = ctx.catalog.FindTable(table);
  return created != nullptr && created->filled && !ctx.facts.DroppedLater(ctx.index, table);
}

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (cmd.def == nullptr) return;
        if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint &&
            cmd.def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
          const auto& c = *cmd.def->constraint;
          if (c.contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN || c.skip_validation) return;
          if (!ctx.IsNew(table) ||
              (FilledInThisFile(ctx, table) && !ctx.IsNew(parser::NameOf(c.pktable)))) {
            AddForeignKey(ctx, report, table, c);
          }
          return;
        }
        if (ctx.IsNew(table)) return;
        if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn ||
            cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF ||
            ColumnDefault(*cmd.def->column_def) == nullptr) {
          return;
        }
        const auto& column = *cmd.def->column_def;
        for (std::size_t i = 0; i < column.n_constraints; ++i) {
          const parser::Node* node = column.constraints[i];
          if (node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
              node->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
            AddColumnReferences(ctx, report, table, column, *node->constraint);
          }
        }
      });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
