// A column of type timestamp (without time zone).
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "timestamp-without-time-zone",
    .summary = "A column of type timestamp without time zone",
    .rationale =
        "timestamp stores a wall-clock reading with no zone: the same value means different "
        "instants to servers and clients in different zones, comparisons across a DST change go "
        "wrong, and now() is silently converted with the session's TimeZone. timestamptz stores "
        "an instant (it takes no more space) and converts on output. Changing the type later "
        "rewrites the table and reinterprets every value, so choose at creation. ORMs often "
        "default to timestamp (Prisma's DateTime becomes timestamp(3)): map to timestamptz "
        "explicitly. Advice, not an error: many migrations that ran fine use it.",
    .bad = "CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamp NOT NULL);",
    .good = "CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz NOT NULL);",
    .severity = Severity::kInfo,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachColumnDefinition(ctx, [&](const ColumnDefinition& column) {
    if (column.type.name != "timestamp") return;
    parser::TypeSpec better = column.type;
    better.name = "timestamptz";
    report
        .Add(SqlColumn(column.table, column.name) +
                 " is timestamp without time zone: its values name no instant",
             "Use timestamptz: " + QuoteIdent(column.name) + " " + better.ToString(), {},
             column.location)
        .whole_item = true;
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
