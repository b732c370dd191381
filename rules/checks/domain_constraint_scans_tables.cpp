// ALTER DOMAIN ... ADD CONSTRAINT (or VALIDATE CONSTRAINT): every column of the domain is checked
// under SHARE.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "domain-constraint-scans-tables",
    .summary = "ALTER DOMAIN ... ADD CONSTRAINT (or VALIDATE CONSTRAINT) on a domain in use",
    .rationale =
        "Adding a constraint to a domain checks every column of every table that uses it, "
        "holding SHARE on each table: writes to all of them wait for the scans. Unlike a table "
        "constraint, NOT VALID does not help for long: VALIDATE CONSTRAINT on a domain takes "
        "the same SHARE locks (checked against PostgreSQL 15). Put the rule on the columns "
        "instead, as table CHECK constraints added NOT VALID and validated under SHARE UPDATE "
        "EXCLUSIVE, or add the domain constraint while its tables are small.",
    .bad = "ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0);",
    .good =
        "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT)) return;
  const auto& alter = *ctx.node()->alter_domain_stmt;
  const std::string_view subtype = parser::Str(alter.subtype);
  const bool add = subtype == "C" && alter.def != nullptr &&
                   alter.def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
                   !alter.def->constraint->skip_validation;
  const bool validate = subtype == "V";
  if (!add && !validate) return;
  const parser::QualifiedName domain =
      parser::NameOfList(parser::StringList(alter.type_name, alter.n_type_name));
  // A domain created in this file is used only by tables created in it: empty.
  std::vector<std::string> tables;
  bool all_new = true;
  for (const CatalogTable* table : ctx.catalog.TablesUsingType(domain.name)) {
    tables.push_back(SqlName(table->name));
    all_new = all_new && table->is_new;
  }
  if (!tables.empty() && all_new) return;
  std::string users;
  for (const std::string& t : tables) users += (users.empty() ? "" : ", ") + t;
  std::string lock;
  for (const TableLock& l : ctx.locks()) lock += (lock.empty() ? "" : "; ") + DescribeLock(l);
  report.Add(
      std::string(validate ? "VALIDATE CONSTRAINT on domain " : "Adding a constraint to domain ") +
          SqlName(domain) + " checks every column that uses it under SHARE, blocking writes to " +
          (users.empty() ? "every table using it" : users),
      "Enforce it per column instead: ALTER TABLE <t> ADD CONSTRAINT ... CHECK (<col> ...) NOT "
      "VALID, then "
      "VALIDATE CONSTRAINT in a later transaction (SHARE UPDATE EXCLUSIVE: reads and writes go "
      "on).",
      lock);
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
