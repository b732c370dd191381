// DROP COLUMN: the application version still running may read or write the column.
#include <string>
#include <vector>

#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "drop-column",
    .summary = "ALTER TABLE ... DROP COLUMN on an existing table",
    .rationale =
        "During a blue-green or rolling deploy the previous application version keeps running "
        "against the new schema. If it still selects or inserts the column, its queries fail "
        "the moment the column is gone, and rolling the code back fails too; with CASCADE the "
        "views, indexes and constraints that use the column go with it. Drop a column only in a "
        "contract step, a release after the last code that uses it has been retired. A column "
        "added earlier in the same file is used by no deployed code and may be dropped, and "
        "DROP COLUMN IF EXISTS of a column an earlier migration already dropped drops nothing. "
        "A down (rollback) migration dropping a column its up migration added is quiet (the "
        "version rolled back to never used it); dropping one that existed before the up is "
        "reported: the version being rolled back from may still use it, so roll the code back "
        "before the schema.",
    .bad = "ALTER TABLE users DROP COLUMN legacy_flag;",
    .good =
        "-- release N: stop reading and writing users.legacy_flag\n"
        "-- release N+1:\n"
        "-- pgshift-ignore drop-column: unused since release N\n"
        "ALTER TABLE users DROP COLUMN legacy_flag;",
    .severity = Severity::kError,
    .contract_change = true,
};

// One finding per statement: dropping 25 columns at once is one hazard, and it names them all.
void Check(const StatementContext& ctx, Reporter& report) {
  // The release rules judge it on the evidence of the code that runs during the deploy.
  if (ctx.settings.ContractJudgedByRelease()) return;
  std::vector<std::string> dropped, cascaded;
  parser::QualifiedName dropped_from;
  ForEachAlterCommand(ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn || ctx.IsNew(table)) return;
    const std::string column(parser::Str(cmd.name));
    if (IsNewColumn(ctx, table, column) || ctx.ColumnAlreadyDropped(cmd, table)) return;
    dropped_from = table;
    dropped.push_back(QuoteIdent(column));
    if (cmd.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
      cascaded.push_back(QuoteIdent(column));
  });
  if (dropped.empty()) return;
  const std::string table = SqlName(dropped_from);
  const bool one = dropped.size() == 1;
  const std::string what =
      one ? table + "." + dropped[0]
          : std::to_string(dropped.size()) + " columns of " + table + " (" + NameList(dropped) + ")";
  std::string cascade;
  if (!cascaded.empty()) {
    cascade = "; CASCADE also drops the views and constraints that use " +
              (one ? std::string("it") : NameList(cascaded));
  }
  report.Add("Dropping " + what + " breaks the application version still running if it reads or " +
                 "writes " + (one ? "it" : "them") + cascade,
             "Ship the code that stops using " + NameList(dropped) +
                 " first; drop " + (one ? "the column" : "them") +
                 " in a later release (a contract step), and say so with -- pgshift-ignore "
                 "drop-column: <which release stopped using " + (one ? "it" : "them") + ">.",
             LockText(ctx, dropped_from));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
