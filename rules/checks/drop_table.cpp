// DROP TABLE on an existing table: backward-incompatible, and data loss.
#include <string>
#include <vector>

#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "drop-table",
    .summary = "DROP TABLE on an existing table",
    .rationale =
        "Any query of the still-running application version that touches the table fails, and "
        "the data is gone for good: a rollback of the code cannot bring it back. CASCADE also "
        "drops the views and foreign keys that depend on the table, silently. Drop a table only "
        "in a contract step, after no deployed code reads it (and after a backup, or a rename "
        "to a holding name for one release). One statement that drops several tables is one "
        "finding naming them all. A table created earlier in the same file is empty and unknown "
        "to deployed code, so dropping it is quiet.",
    .bad = "DROP TABLE audit_events;",
    .good =
        "-- release N: remove every use of audit_events\n"
        "-- release N+1:\n"
        "-- pgshift-ignore drop-table: unused since release N, backed up\n"
        "DROP TABLE audit_events;",
    .severity = Severity::kError,
    .contract_change = true,
};

// One finding per statement: dropping several tables at once is one hazard, and it names them all.
void Check(const StatementContext& ctx, Reporter& report) {
  // The release rules judge it on the evidence of the code that runs during the deploy.
  if (ctx.settings.ContractJudgedByRelease()) return;
  if (!ctx.Is(PG_QUERY__NODE__NODE_DROP_STMT)) return;
  const auto& drop = *ctx.node()->drop_stmt;
  if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
  const bool cascade = drop.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  std::vector<parser::QualifiedName> tables;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < drop.n_objects; ++i) {
    if (drop.objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    const parser::QualifiedName table = parser::NameOfList(parser::StringList(drop.objects[i]->list));
    if (ctx.IsNew(table) || ctx.AlreadyDropped(drop, table)) continue;
    tables.push_back(table);
    names.push_back(SqlName(table));
  }
  if (tables.empty()) return;
  const bool one = tables.size() == 1;
  std::string keep;
  for (const parser::QualifiedName& table : tables) {
    keep += "\n  ALTER TABLE " + SqlName(table) + " RENAME TO " +
            QuoteIdent(table.name + "_retired") + ";";
  }
  report.Add(
      (one ? "Dropping table " + names[0]
           : "Dropping " + std::to_string(names.size()) + " tables (" + NameList(names) + ")") +
          " breaks the application version still running if it uses " + (one ? "it" : "them") +
          ", and loses " + (one ? "its" : "their") + " data" +
          (cascade ? std::string("; CASCADE also drops the views and foreign keys that depend on ") +
                         (one ? "it" : "them")
                   : ""),
      "Retire every use of " + NameList(names) +
          " in an earlier release; drop " + (one ? "it" : "them") +
          " in a contract step and say so with "
          "-- pgshift-ignore drop-table: <reason>. To keep the data one release longer:" +
          keep,
      LockTexts(ctx, tables));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
