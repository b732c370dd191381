// ADD CONSTRAINT ... UNIQUE / PRIMARY KEY / EXCLUDE on an existing table: the index is built under
// ACCESS EXCLUSIVE.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "add-constraint-builds-index",
    .summary =
        "ADD CONSTRAINT ... UNIQUE / PRIMARY KEY / EXCLUDE (or ADD COLUMN ... UNIQUE) that builds "
        "its index under ACCESS EXCLUSIVE",
    .rationale =
        "A UNIQUE, PRIMARY KEY or EXCLUDE constraint builds its index while ALTER TABLE holds "
        "ACCESS EXCLUSIVE: no reads, no writes for the whole build. Build the unique index "
        "first with CREATE UNIQUE INDEX CONCURRENTLY, then attach it with ADD CONSTRAINT ... "
        "USING INDEX, which is instant. For a primary key the columns must also be NOT NULL; "
        "if they are not, USING INDEX scans to set it, so prove it with a validated CHECK "
        "(col IS NOT NULL) first (PostgreSQL 12+). EXCLUDE constraints have no such form.",
    .bad = "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
    .good =
        "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n"
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
    .severity = Severity::kError,
};

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + QuoteIdent(name);
  return out;
}

// The safe sequence for a unique or primary key constraint on `columns`.
std::string SafeSequence(const StatementContext& ctx, const parser::QualifiedName& table,
                         const std::vector<std::string>& columns, bool primary,
                         const std::string& name, const std::string& add_column) {
  const std::string t = SqlName(table);
  std::string help = "Build the index concurrently, then attach it (instant):\n  " +
                     (add_column.empty() ? "" : add_column + "\n  ") +
                     "CREATE UNIQUE INDEX CONCURRENTLY " + name + " ON " + t + " (" +
                     Join(columns) + ");";
  const CatalogTable* known = ctx.catalog.FindTable(table);
  if (primary) {
    for (const std::string& column : columns) {
      if (known != nullptr && known->KnownNotNull(column)) continue;
      const std::string check = QuoteIdent(table.name + "_" + column + "_not_null");
      help += "\n  ALTER TABLE " + t + " ADD CONSTRAINT " + check + " CHECK (" +
              QuoteIdent(column) + " IS NOT NULL) NOT VALID;\n  ALTER TABLE " + t +
              " VALIDATE CONSTRAINT " + check + ";";
    }
  }
  help += "\n  ALTER TABLE " + t + " ADD CONSTRAINT " + name +
          (primary ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " + name + ";";
  return help;
}

void Constraint(const StatementContext& ctx, Reporter& report, const parser::QualifiedName& table,
                const PgQuery__Constraint& c, std::vector<std::string> columns, int location,
                const std::string& add_column = {}) {
  const std::string t = SqlName(table);
  const bool primary = c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
  if (c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION) {
    report.Add(
        "ADD CONSTRAINT ... EXCLUDE on " + t + " builds its index under ACCESS EXCLUSIVE",
        "EXCLUDE has no concurrent form: add it while the table is small, or in a maintenance "
        "window with a lock_timeout, or enforce the rule in the application until then.",
        LockText(ctx, table), location).whole_item = true;
    return;
  }
  const bool using_index = c.indexname != nullptr && *c.indexname != '\0';
  if (using_index) {
    // Attaching a built index is instant unless a primary key must first prove NOT NULL.
    bool scans = false;
    for (const TableLock& lock : ctx.locks())
      scans |= lock.form == Form::kAddPrimaryKeyUsingIndexSetsNotNull;
    if (!scans) return;
    report.Add(
        "ADD PRIMARY KEY USING INDEX on " + t +
            " scans the table under ACCESS EXCLUSIVE to mark "
            "its columns NOT NULL",
        "Prove the columns NOT NULL first with a CHECK (col IS NOT NULL) added NOT VALID and "
        "validated in a separate transaction; then USING INDEX is instant (PostgreSQL 12+).",
        LockText(ctx, table), location).whole_item = true;
    return;
  }
  if (columns.empty()) columns = parser::StringList(c.keys, c.n_keys);
  std::string name =
      c.conname != nullptr && *c.conname != '\0'
          ? QuoteIdent(c.conname)
          : QuoteIdent(table.name +
                       (primary
                            ? "_pkey"
                            : "_" + (columns.empty() ? std::string("col") : columns[0]) + "_key"));
  report.Add(
      std::string(primary ? "ADD PRIMARY KEY" : "ADD UNIQUE") + " on " + t +
          " builds its index under ACCESS EXCLUSIVE, blocking reads and writes for the build",
      SafeSequence(ctx, table, columns, primary, name, add_column), LockText(ctx, table), location).whole_item = true;
}

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (cmd.def == nullptr || ctx.IsNew(table)) return;
        const auto kind = [](const PgQuery__Constraint& c) {
          return c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE ||
                 c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
                 c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION;
        };
        if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint &&
            cmd.def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && kind(*cmd.def->constraint)) {
          Constraint(ctx, report, table, *cmd.def->constraint, {}, cmd.def->constraint->location);
        }
        if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn &&
            cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          const auto& column = *cmd.def->column_def;
          for (std::size_t i = 0; i < column.n_constraints; ++i) {
            const parser::Node* node = column.constraints[i];
            if (node->node_case != PG_QUERY__NODE__NODE_CONSTRAINT || !kind(*node->constraint))
              continue;
            const std::string add = "ALTER TABLE " + SqlName(table) + " ADD COLUMN " +
                                    QuoteIdent(parser::Str(column.colname)) + " " +
                                    parser::TypeSpecOf(column.type_name).ToString() + ";";
            Constraint(ctx, report, table, *node->constraint,
                       {std::string(parser::Str(column.colname))}, node->constraint->location, add);
          }
        }
      });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
