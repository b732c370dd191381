// ALTER TYPE ... RENAME VALUE: the running version still reads and writes the old label.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "rename-enum-value",
    .summary = "ALTER TYPE ... RENAME VALUE on an existing enum",
    .rationale =
        "The application version still running writes the old label, and PostgreSQL rejects "
        "it (invalid input value for enum) once the rename commits; where it reads the new "
        "label it finds a value it does not know. Add the new label, let code write it and "
        "accept both, migrate the rows, and retire the old label only in a contract step.",
    .bad = "ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';",
    .good =
        "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled' AFTER 'canceled';\n"
        "-- deploy code that accepts both and writes 'cancelled'; then, in batches:\n"
        "-- UPDATE orders SET status = 'cancelled' WHERE status = 'canceled' AND id BETWEEN ...",
    .min_pg_version = 10,  // RENAME VALUE is new in 10
    .severity = Severity::kError,
    .contract_change = true,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_ALTER_ENUM_STMT)) return;
  const auto& alter = *ctx.node()->alter_enum_stmt;
  const std::string_view old_value = parser::Str(alter.old_val);
  if (old_value.empty()) return;  // ADD VALUE
  const parser::QualifiedName type =
      parser::NameOfList(parser::StringList(alter.type_name, alter.n_type_name));
  const CatalogType* known = ctx.catalog.FindType(type);
  if (known != nullptr && known->is_new) return;
  const std::string new_value(parser::Str(alter.new_val));
  const std::string old_sql = QuoteLiteral(old_value);
  const std::string new_sql = QuoteLiteral(new_value);
  report.Add("Renaming value " + old_sql + " of " + SqlName(type) + " to " + new_sql +
                 " breaks the running version, which still writes and reads " + old_sql,
             "Add the new label next to the old one, and move rows over once code accepts both:\n"
             "  ALTER TYPE " +
                 SqlName(type) + " ADD VALUE IF NOT EXISTS " + new_sql + " AFTER " + old_sql +
                 ";\n"
                 "  -- deploy code that accepts both and writes " +
                 new_sql + "; backfill in batches; stop accepting " + old_sql +
                 " in a later release");
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
