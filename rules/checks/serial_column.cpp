// A serial / bigserial / smallserial column where an identity column is meant.
#include "rules/analysis/column_forms.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "serial-column",
    .summary = "A serial, bigserial or smallserial column rather than an identity column",
    .rationale =
        "serial is not a type but a shorthand for an integer column, a separate sequence and "
        "a default: the sequence needs its own grants, is left behind or mis-owned when tables "
        "are copied or renamed, and nothing stops writes that bypass it and collide later. An "
        "identity column (SQL standard, PostgreSQL 10+) ties the sequence to the column, and "
        "GENERATED ALWAYS rejects stray explicit values (BY DEFAULT accepts them, as serial "
        "does).",
    .bad = "CREATE TABLE users (id bigserial PRIMARY KEY, email text);",
    .good = "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);",
    .min_pg_version = 10,
    .severity = Severity::kInfo,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachColumnDefinition(ctx, [&](const ColumnDefinition& column) {
    const std::string& type = column.type.name;
    if (column.type_change || !IsSerialType(type)) return;
    report
        .Add(SqlColumn(column.table, column.name) + " is " + type +
                 ": an identity column ties its sequence to the column",
             "Use an identity column (BY DEFAULT if code inserts explicit values): " +
                 QuoteIdent(column.name) + " bigint GENERATED ALWAYS AS IDENTITY",
             {}, column.location)
        .whole_item = true;
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
