// A column of type char(n) / character(n).
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "char-column",
    .summary = "A column of type char(n) (blank-padded character)",
    .rationale =
        "char(n) pads values with spaces to n characters, and the padding leaks: it is dropped "
        "in some comparisons and kept in others, so 'a' = 'a  ' may or may not hold depending "
        "on the operator, and clients read trailing blanks they never wrote. It is no faster "
        "than text or varchar(n) in PostgreSQL. Use text, or varchar(n) or a CHECK on "
        "length() when a limit matters.",
    .bad = "CREATE TABLE countries (code char(2) PRIMARY KEY);",
    .good = "CREATE TABLE countries (code text PRIMARY KEY CHECK (length(code) = 2));",
    .severity = Severity::kInfo,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachColumnDefinition(ctx, [&](const ColumnDefinition& column) {
    if (column.type.name != "bpchar") return;
    const long length = column.type.modifiers.empty() ? 1 : column.type.modifiers[0];
    const std::string c = QuoteIdent(column.name);
    report
        .Add(SqlColumn(column.table, column.name) + " is " + column.type.ToString() +
                 ": values are padded with blanks",
             "Use text (with a CHECK when the length matters): " + c + " text CHECK (length(" + c +
                 ") <= " + std::to_string(length) + ")",
             {}, column.location)
        .whole_item = true;
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
