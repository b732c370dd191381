// ALTER TYPE ... ADD VALUE without BEFORE or AFTER: the new label sorts after all others.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "enum-value-without-position",
    .summary = "ALTER TYPE ... ADD VALUE without BEFORE or AFTER on an existing enum",
    .rationale =
        "Enum values sort in the order of their labels' creation, not alphabetically: "
        "ORDER BY, <, > and min()/max() on the column use that order. A label added without "
        "BEFORE or AFTER goes last, which is wrong for ordered enums (severity, status stages, "
        "sizes), and the order cannot be changed later without recreating the type. When order "
        "matters, place the label; when it does not, say so once with a suppression.",
    .bad = "ALTER TYPE ticket_priority ADD VALUE 'urgent';",
    .good = "ALTER TYPE ticket_priority ADD VALUE 'urgent' AFTER 'high';",
    .severity = Severity::kInfo,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_ALTER_ENUM_STMT)) return;
  const auto& alter = *ctx.node()->alter_enum_stmt;
  if (!parser::Str(alter.old_val).empty() || !parser::Str(alter.new_val_neighbor).empty()) return;
  const parser::QualifiedName type =
      parser::NameOfList(parser::StringList(alter.type_name, alter.n_type_name));
  const CatalogType* known = ctx.catalog.FindType(type);
  if (known != nullptr && known->is_new) return;
  const std::string value = QuoteLiteral(parser::Str(alter.new_val));
  const std::string last =
      known != nullptr && !known->labels.empty() ? QuoteLiteral(known->labels.back()) : "";
  report.Add(
      "ADD VALUE " + value + " to " + SqlName(type) +
          " puts it after every existing "
          "label" +
          (last.empty() ? "" : " (after " + last + ")") + ": ORDER BY and comparisons sort it last",
      "If order matters, place it:\n"
      "  ALTER TYPE " +
          SqlName(type) + " ADD VALUE " + value +
          " BEFORE '<label>';\n"
          "If it does not: -- pgshift-ignore enum-value-without-position: <type> is unordered");
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
