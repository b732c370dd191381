// ADD FOREIGN KEY without NOT VALID (or inline REFERENCES on a new column) on an existing table.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "foreign-key-without-not-valid",
    .summary = "ADD FOREIGN KEY (or ADD COLUMN ... REFERENCES) on an existing table without NOT VALID",
    .rationale =
        "Adding a foreign key checks every existing row while holding SHARE ROW EXCLUSIVE on "
        "both tables: writes to both wait for the whole scan. Add it NOT VALID (instant: only "
        "new rows are checked), then VALIDATE CONSTRAINT in a later transaction, which takes "
        "SHARE UPDATE EXCLUSIVE and lets reads and writes go on.",
    .bad = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
    .good = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
    .severity = Severity::kError,
};

std::string SafeSequence(const std::string& table, const std::string& name, std::string_view sql) {
  std::string added = std::string(sql);
  while (!added.empty() && (added.back() == ';' || std::isspace(static_cast<unsigned char>(added.back())))) {
    added.pop_back();
  }
  return "Add it NOT VALID, then validate in a separate transaction:\n  " + added +
         " NOT VALID;\n  ALTER TABLE " + table + " VALIDATE CONSTRAINT " +
         (name.empty() ? std::string("<constraint>") : QuoteIdent(name)) + ";";
}

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
    if (ctx.IsNew(table) || cmd.def == nullptr) return;
    const std::string t = table.ToString();
    if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint &&
        cmd.def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      const auto& c = *cmd.def->constraint;
      if (c.contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN || c.skip_validation) return;
      const std::string help = ctx.node()->alter_table_stmt->n_cmds == 1
                                   ? SafeSequence(t, std::string(parser::Str(c.conname)), ctx.statement().text)
                                   : "Add the foreign key NOT VALID, then run ALTER TABLE " + t +
                                         " VALIDATE CONSTRAINT <name> in a separate transaction.";
      report.Add("Adding a foreign key on " + t +
                     " validates every row while blocking writes to " + t + " and " +
                     parser::NameOf(c.pktable).ToString(),
                 help, LockText(ctx, table), c.location);
      return;
    }
    if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn &&
        cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      const auto& column = *cmd.def->column_def;
      for (std::size_t i = 0; i < column.n_constraints; ++i) {
        const parser::Node* node = column.constraints[i];
        if (node->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
            node->constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
          continue;
        }
        const std::string col = QuoteIdent(parser::Str(column.colname));
        const std::string target = parser::NameOf(node->constraint->pktable).ToString();
        report.Add("ADD COLUMN " + col + " REFERENCES " + target + " takes SHARE ROW EXCLUSIVE on " +
                       t + " and " + target + ", blocking writes to both",
                   "Add the column without REFERENCES, then the constraint NOT VALID, then validate:\n"
                   "  ALTER TABLE " + t + " ADD COLUMN " + col + " " +
                       parser::TypeSpecOf(column.type_name).ToString() + ";\n"
                   "  ALTER TABLE " + t + " ADD CONSTRAINT " + table.name + "_" +
                       std::string(parser::Str(column.colname)) + "_fkey FOREIGN KEY (" + col +
                       ") REFERENCES " + target + " NOT VALID;\n"
                   "  ALTER TABLE " + t + " VALIDATE CONSTRAINT " + table.name + "_" +
                       std::string(parser::Str(column.colname)) + "_fkey;",
                   LockText(ctx, table), node->constraint->location);
      }
    }
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
