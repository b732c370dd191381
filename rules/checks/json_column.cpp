// A column of type json where jsonb is almost always meant.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "json-column",
    .summary = "A column of type json rather than jsonb",
    .rationale =
        "json keeps the input text and parses it again on every access; it has no equality "
        "operator, so DISTINCT, GROUP BY, UNION and unique constraints fail on it, and it cannot "
        "be indexed with GIN. jsonb stores the parsed value, compares, and indexes. Keep json "
        "only when the exact text matters (key order, duplicate keys, whitespace). Changing the "
        "type later rewrites the table, so choose at creation.",
    .bad = "CREATE TABLE events (id bigint PRIMARY KEY, payload json);",
    .good = "CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb);",
    .severity = Severity::kInfo,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachColumnDefinition(ctx, [&](const ColumnDefinition& column) {
    if (column.type.name != "json") return;
    parser::TypeSpec better = column.type;
    better.name = "jsonb";
    report
        .Add(SqlColumn(column.table, column.name) + " is " + column.type.ToString() +
                 ": it cannot be compared, grouped or GIN-indexed",
             "Use jsonb unless the exact input text must be kept: " + QuoteIdent(column.name) +
                 " " + better.ToString(),
             {}, column.location)
        .whole_item = true;
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
